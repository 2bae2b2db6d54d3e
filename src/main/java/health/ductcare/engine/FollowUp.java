package health.ductcare.engine;

import java.time.Duration;

/** {@code count} further sessions, session k at or after first session start + k * interval. */
public record FollowUp(int count, Duration interval) {
}
