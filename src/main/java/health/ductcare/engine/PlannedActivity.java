package health.ductcare.engine;

import java.time.Instant;

/** A session step placed in time; start/end are null while the plan is on hold. */
public record PlannedActivity(String key, SessionStep step, Instant start, Instant end, String status) {

    public PlannedActivity withTimes(Instant newStart, Instant newEnd) {
        return new PlannedActivity(key, step, newStart, newEnd, status);
    }

    public PlannedActivity withStatus(String newStatus) {
        return new PlannedActivity(key, step, start, end, newStatus);
    }
}
