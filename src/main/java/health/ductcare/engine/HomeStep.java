package health.ductcare.engine;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Something the patient does at home, {@code timesPerPeriod} times every {@code period}. */
public record HomeStep(
        String id,
        String title,
        String description,
        List<Code> codes,
        int timesPerPeriod,
        Duration period,
        ActivityKind kind,
        String activityDefinition) {

    public HomeStep {
        Objects.requireNonNull(id, "id");
        codes = codes == null ? List.of() : List.copyOf(codes);
    }
}
