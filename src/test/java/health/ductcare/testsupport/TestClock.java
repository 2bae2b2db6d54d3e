package health.ductcare.testsupport;

import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The service's clock in {@code @QuarkusTest}s, replacing the system clock (a {@code @DefaultBean}). It runs with
 * the system clock until a test fixes it, so that a test can plan "now" at the instants its data names; a test that
 * fixes it resets it afterwards.
 */
@Singleton
public class TestClock extends Clock {

    private volatile Instant fixed;

    public void setNow(Instant now) {
        fixed = now;
    }

    public void advance(Duration by) {
        fixed = instant().plus(by);
    }

    public void reset() {
        fixed = null;
    }

    @Override
    public Instant instant() {
        Instant now = fixed;
        return now != null ? now : Clock.systemUTC().instant();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.fixed(instant(), zone);
    }
}
