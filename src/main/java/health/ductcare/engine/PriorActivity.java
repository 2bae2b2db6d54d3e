package health.ductcare.engine;

import java.time.Instant;

/** An activity of the plan already stored for this diagnosis, identified by its activity key. */
public record PriorActivity(String key, Instant start, Instant end, String status) {
}
