package health.ductcare.protocol;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Which protocol plans are made with, and local changes to it (each change is stamped into its version). */
@ConfigMapping(prefix = "ductcare.protocol")
public interface ProtocolConfig {

    /** {@code standard} (the clinic's protocol) or {@code abm36} (ABM Clinical Protocol #36 variant). */
    @WithDefault("standard")
    String variant();

    /** A protocol Bundle file to use instead of the shipped variants (a path on disk). */
    Optional<String> file();

    /** The clinic's time zone, e.g. Europe/Berlin (the shipped protocols use UTC). */
    Optional<String> clinicZone();

    /** Opening time, e.g. 08:00. */
    Optional<String> opens();

    /** Closing time, e.g. 18:00. */
    Optional<String> closes();

    /** Step durations by step id, e.g. {@code ductcare.protocol.step-durations.ultrasound=PT8M}. */
    Map<String, Duration> stepDurations();
}
