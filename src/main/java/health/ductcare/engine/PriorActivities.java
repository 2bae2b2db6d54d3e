package health.ductcare.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Keeps what a clinician recorded: the status they set (anything but the statuses the planner itself sets:
 * not-started, scheduled, on-hold) and, for a session with such an activity that started before {@code now}, the
 * whole session as the previous plan has it (a recorded session). A session still as the planner left it is planned
 * again, even when its time has passed: nobody said it happened, and keeping it could leave therapy before the
 * antibiotic lead time.
 */
final class PriorActivities {

    private static final Set<String> PLANNER_STATUSES = Set.of("not-started", "scheduled", "on-hold");

    private final Map<String, PriorActivity> byKey;
    private final Instant now;
    private int kept;

    PriorActivities(List<PriorActivity> priors, Instant now) {
        this.byKey = priors.stream().filter(p -> p.key() != null)
                .collect(Collectors.toMap(PriorActivity::key, Function.identity(), (a, b) -> a));
        this.now = now;
    }

    /** An activity of a session planned again: it keeps the status a clinician set. */
    PlannedActivity apply(PlannedActivity planned) {
        PriorActivity prior = byKey.get(planned.key());
        if (prior == null || !isClinicianStatus(prior)) {
            return planned;
        }
        kept++;
        return planned.withStatus(prior.status());
    }

    /** An activity of a recorded session: it keeps its time on the previous plan and the status a clinician set. */
    PlannedActivity keepAsRecorded(PlannedActivity planned) {
        PriorActivity prior = byKey.get(planned.key());
        if (prior == null) {
            return planned;
        }
        PlannedActivity result = planned;
        if (prior.start() != null) {
            result = result.withTimes(prior.start(), prior.end());
        }
        if (isClinicianStatus(prior)) {
            result = result.withStatus(prior.status());
        }
        kept += prior.start() != null || isClinicianStatus(prior) ? 1 : 0;
        return result;
    }

    PlannedHomeActivity apply(PlannedHomeActivity planned) {
        PriorActivity prior = byKey.get(planned.key());
        if (prior == null) {
            return planned;
        }
        PlannedHomeActivity result = planned;
        kept += startedBefore(prior) || isClinicianStatus(prior) ? 1 : 0;
        if (startedBefore(prior)) {
            result = result.withTimes(prior.start(), planned.end() != null ? planned.end() : prior.end());
        }
        if (isClinicianStatus(prior)) {
            result = result.withStatus(prior.status());
        }
        return result;
    }

    /**
     * The start S of a recorded session laid out (around {@link Instant#EPOCH}) as {@code layoutAtEpoch}: implied by
     * its first activity, in protocol order, that a clinician recorded as started before now.
     */
    Optional<Instant> recordedSessionStart(List<PlannedActivity> layoutAtEpoch) {
        return sessionStart(layoutAtEpoch, this::startedBefore);
    }

    /**
     * The session start S the previous plan gave the session laid out (around {@link Instant#EPOCH}) as
     * {@code layoutAtEpoch}, when that session had begun before now and nobody recorded anything for it.
     */
    Optional<Instant> unrecordedPastSessionStart(List<PlannedActivity> layoutAtEpoch) {
        List<PriorActivity> ofSession = layoutAtEpoch.stream().map(a -> byKey.get(a.key())).filter(Objects::nonNull)
                .toList();
        boolean begun = ofSession.stream().anyMatch(p -> p.start() != null && p.start().isBefore(now));
        if (!begun || ofSession.stream().anyMatch(PriorActivities::isClinicianStatus)) {
            return Optional.empty();
        }
        return sessionStart(layoutAtEpoch, prior -> true);
    }

    /** S as implied by the first activity, in protocol order, with a time on the previous plan that {@code counts}. */
    private Optional<Instant> sessionStart(List<PlannedActivity> layoutAtEpoch, Predicate<PriorActivity> counts) {
        for (PlannedActivity probe : layoutAtEpoch) {
            PriorActivity prior = byKey.get(probe.key());
            if (prior != null && prior.start() != null && counts.test(prior)) {
                return Optional.of(prior.start().minus(Duration.between(Instant.EPOCH, probe.start())));
            }
        }
        return Optional.empty();
    }

    /** How many activities kept a prior time or status so far. */
    int kept() {
        return kept;
    }

    private boolean startedBefore(PriorActivity prior) {
        return isClinicianStatus(prior) && prior.start() != null && prior.start().isBefore(now);
    }

    private static boolean isClinicianStatus(PriorActivity prior) {
        return prior.status() != null && !PLANNER_STATUSES.contains(prior.status());
    }
}
