package health.ductcare.protocol;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;

/**
 * Local changes applied on top of the protocol file: step durations by step id, the clinic zone and
 * opening hours. Null means "as in the file".
 */
public record ProtocolOverrides(Map<String, Duration> stepDurations, ZoneId clinicZone, LocalTime opens,
                                LocalTime closes) {

    public ProtocolOverrides {
        stepDurations = stepDurations == null ? Map.of() : Map.copyOf(stepDurations);
    }

    public static ProtocolOverrides none() {
        return new ProtocolOverrides(Map.of(), null, null, null);
    }
}
