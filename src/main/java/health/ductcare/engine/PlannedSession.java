package health.ductcare.engine;

import java.time.Instant;
import java.util.List;

/** Session {@code number} (1-based) with its in-session start/end and all its steps. */
public record PlannedSession(int number, Instant start, Instant end, List<PlannedActivity> activities) {

    public PlannedSession {
        activities = List.copyOf(activities);
    }
}
