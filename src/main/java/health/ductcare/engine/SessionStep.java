package health.ductcare.engine;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One step of a therapy visit. {@code offset} is the gap before the session start (BEFORE_START)
 * or after the session end (AFTER_END); it is zero for IN_SESSION steps.
 */
public record SessionStep(
        String id,
        String title,
        String description,
        List<Code> codes,
        Duration duration,
        StepRelation relation,
        Duration offset,
        Performer performer,
        ActivityKind kind,
        String activityDefinition) {

    public SessionStep {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(relation, "relation");
        codes = codes == null ? List.of() : List.copyOf(codes);
        offset = offset == null ? Duration.ZERO : offset;
    }

    public SessionStep withDuration(Duration newDuration) {
        return new SessionStep(id, title, description, codes, newDuration, relation, offset, performer, kind,
                activityDefinition);
    }
}
