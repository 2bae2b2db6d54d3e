package health.ductcare.engine;

import java.time.Duration;

/** {@code count} further sessions, each at or after the start of the session before it + interval. */
public record FollowUp(int count, Duration interval) {
}
