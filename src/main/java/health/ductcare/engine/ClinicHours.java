package health.ductcare.engine;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Set;

public record ClinicHours(LocalTime opens, LocalTime closes, Set<DayOfWeek> days, ZoneId zone) {

    public ClinicHours {
        days = Set.copyOf(days);
    }
}
