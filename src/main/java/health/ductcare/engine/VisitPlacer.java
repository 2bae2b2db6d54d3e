package health.ductcare.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays out a visit (all session steps around the session start S) and finds the first S whose whole
 * visit lies within clinic opening hours.
 */
final class VisitPlacer {

    private static final int MAX_DAYS_SEARCHED = 800;

    private final List<SessionStep> steps;
    private final ClinicHours hours;
    private final Duration leadIn;
    private final Duration visitLength;

    VisitPlacer(List<SessionStep> steps, ClinicHours hours) {
        this.steps = List.copyOf(steps);
        this.hours = hours;
        List<PlannedActivity> probe = layout(0, Instant.EPOCH, "probe");
        Instant visitStart = visitStart(probe, Instant.EPOCH);
        this.leadIn = Duration.between(visitStart, Instant.EPOCH);
        this.visitLength = Duration.between(visitStart, visitEnd(probe, sessionEnd(Instant.EPOCH)));
    }

    static Instant ceilToMinute(Instant t) {
        Instant floor = t.truncatedTo(ChronoUnit.MINUTES);
        return floor.equals(t) ? t : floor.plus(1, ChronoUnit.MINUTES);
    }

    /** The earliest session start S >= {@code earliest} (rounded up to the minute) whose visit fits clinic hours. */
    Instant firstSessionStart(Instant earliest) {
        Instant wantedVisitStart = ceilToMinute(earliest).minus(leadIn);
        LocalDate day = wantedVisitStart.atZone(hours.zone()).toLocalDate();
        for (int i = 0; i < MAX_DAYS_SEARCHED; i++, day = day.plusDays(1)) {
            if (!hours.days().contains(day.getDayOfWeek())) {
                continue;
            }
            // ZonedDateTime.of moves a local time inside a DST gap forward by the gap's length.
            Instant opens = ZonedDateTime.of(day, hours.opens(), hours.zone()).toInstant();
            Instant closes = ZonedDateTime.of(day, hours.closes(), hours.zone()).toInstant();
            Instant visitStart = wantedVisitStart.isAfter(opens) ? wantedVisitStart : opens;
            if (!visitStart.plus(visitLength).isAfter(closes)) {
                return visitStart.plus(leadIn);
            }
        }
        throw new IllegalStateException("No visit of " + Texts.human(visitLength) + " fits the clinic hours " + hours);
    }

    /** The session start whose visit (the steps before the session, e.g. moist heat, first) begins at {@code visitStart}. */
    Instant sessionStartOfVisitFrom(Instant visitStart) {
        return visitStart.plus(leadIn);
    }

    Instant sessionEnd(Instant sessionStart) {
        Instant end = sessionStart;
        for (SessionStep step : steps) {
            if (step.relation() == StepRelation.IN_SESSION) {
                end = end.plus(step.duration());
            }
        }
        return end;
    }

    /** All steps of session {@code number} placed around S; in-session steps run back to back in list order. */
    List<PlannedActivity> layout(int number, Instant sessionStart, String status) {
        Instant sessionEnd = sessionEnd(sessionStart);
        Instant cursor = sessionStart;
        List<PlannedActivity> activities = new ArrayList<>();
        for (SessionStep step : steps) {
            Instant start = switch (step.relation()) {
                case BEFORE_START -> sessionStart.minus(step.offset());
                case IN_SESSION -> cursor;
                case AFTER_END -> sessionEnd.plus(step.offset());
            };
            if (step.relation() == StepRelation.IN_SESSION) {
                cursor = cursor.plus(step.duration());
            }
            activities.add(new PlannedActivity(ActivityKeys.session(number, step.id()), step, start,
                    start.plus(step.duration()), status));
        }
        return activities;
    }

    List<PlannedActivity> unscheduled(int number, String status) {
        return steps.stream()
                .map(step -> new PlannedActivity(ActivityKeys.session(number, step.id()), step, null, null, status))
                .toList();
    }

    private static Instant visitStart(List<PlannedActivity> activities, Instant sessionStart) {
        return activities.stream().map(PlannedActivity::start).reduce(sessionStart, (a, b) -> a.isBefore(b) ? a : b);
    }

    private static Instant visitEnd(List<PlannedActivity> activities, Instant sessionEnd) {
        return activities.stream().map(PlannedActivity::end).reduce(sessionEnd, (a, b) -> a.isAfter(b) ? a : b);
    }

    Duration visitLength() {
        return visitLength;
    }
}
