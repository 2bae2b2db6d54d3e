package health.ductcare.engine;

import java.time.Instant;

/** A home step repeated {@code step.timesPerPeriod()} per {@code step.period()} between start and end. */
public record PlannedHomeActivity(String key, HomeStep step, Instant start, Instant end, String status) {

    public PlannedHomeActivity withTimes(Instant newStart, Instant newEnd) {
        return new PlannedHomeActivity(key, step, newStart, newEnd, status);
    }

    public PlannedHomeActivity withStatus(String newStatus) {
        return new PlannedHomeActivity(key, step, start, end, newStatus);
    }
}
