package health.ductcare.protocol;

import health.ductcare.engine.ClinicHours;
import health.ductcare.engine.Protocol;
import health.ductcare.engine.SessionStep;
import health.ductcare.engine.StepRelation;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/** Consistency checks on the finished protocol (after overrides). */
final class ProtocolChecks {

    private ProtocolChecks() {
    }

    static void check(String source, Protocol protocol) {
        Set<String> ids = new HashSet<>();
        protocol.steps().forEach(s -> requireUnique(source, ids, s.id()));
        protocol.homeSteps().forEach(s -> requireUnique(source, ids, s.id()));
        ClinicHours hours = protocol.clinicHours();
        if (!hours.opens().isBefore(hours.closes())) {
            throw new ProtocolException(source, "clinic opens (" + hours.opens() + ") must be before it closes ("
                    + hours.closes() + ")");
        }
        Duration open = Duration.between(hours.opens(), hours.closes());
        Duration visit = visitLength(protocol);
        if (visit.compareTo(open) > 0) {
            throw new ProtocolException(source, "a visit takes " + visit + " but the clinic is open only " + open);
        }
    }

    private static void requireUnique(String source, Set<String> ids, String id) {
        if (!ids.add(id)) {
            throw new ProtocolException(source, "step id '" + id + "' is used twice");
        }
    }

    /** From the first before-start step to the end of the last after-end step. */
    static Duration visitLength(Protocol protocol) {
        Instant s = Instant.EPOCH;
        Instant e = s;
        for (SessionStep step : protocol.steps(StepRelation.IN_SESSION)) {
            e = e.plus(step.duration());
        }
        Instant first = s;
        Instant last = e;
        for (SessionStep step : protocol.steps()) {
            Instant start = switch (step.relation()) {
                case BEFORE_START -> s.minus(step.offset());
                case AFTER_END -> e.plus(step.offset());
                case IN_SESSION -> s;
            };
            Instant end = step.relation() == StepRelation.IN_SESSION ? e : start.plus(step.duration());
            first = start.isBefore(first) ? start : first;
            last = end.isAfter(last) ? end : last;
        }
        return Duration.between(first, last);
    }
}
