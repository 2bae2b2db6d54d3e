package health.ductcare.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a diagnosis with its medication and temperature context into a physical-therapy plan.
 * Pure: everything that varies (input, protocol, now) is an argument.
 */
public final class CarePlanEngine {

    static final String SCHEDULED = "scheduled";
    static final String ON_HOLD = "on-hold";

    private CarePlanEngine() {
    }

    public static PlanDecision plan(PlanInput input, Protocol protocol, Instant now) {
        PlanNote protocolNote = PlanNote.info(NoteCode.PROTOCOL, "Protocol " + protocol.title() + " ("
                + protocol.variant() + "), " + protocol.canonical() + ".");
        EligibilityPolicy.Result eligibility = EligibilityPolicy.assess(input.diagnosis(), input.otherDiagnoses(),
                protocol.codes());
        if (!eligibility.eligible()) {
            return withNote(eligibility.rejection(), protocolNote);
        }
        Optional<DiagnosisTime> maybeDxTime = DiagnosisTime.of(input.diagnosis());
        if (maybeDxTime.isEmpty()) {
            return new PlanDecision.NotEligible(List.of(protocolNote, PlanNote.warning(NoteCode.DIAGNOSIS_TIME_SOURCE,
                    "The diagnosis has no recorded, asserted, onset or received time.")));
        }
        DiagnosisTime dxTime = maybeDxTime.get();
        List<PlanNote> notes = new ArrayList<>();
        notes.add(protocolNote);
        notes.addAll(eligibility.notes());
        notes.add(dxTime.note());
        InfectionAssessment infection = InfectionAssessment.of(input, protocol, dxTime.time(), now);
        notes.addAll(infection.notes());
        infection.evidence().forEach(e -> notes.add(PlanNote.info(NoteCode.INFECTION, e.text())));
        Instant deadline = dxTime.time().plus(protocol.startWithin());
        VisitPlacer placer = new VisitPlacer(protocol.steps(), protocol.clinicHours());
        PriorActivities priors = new PriorActivities(input.priorActivities(), now);

        if (infection.infected() && infection.antibiotic() == null) {
            notes.add(PlanNote.warning(NoteCode.AWAITING_ANTIBIOTIC, "Infection suspected and no usable antibiotic:"
                    + " therapy waits for antibiotics: " + Texts.human(protocol.antibioticLeadTime())
                    + " on them first. The sessions are listed but not scheduled."));
            return new PlanDecision.OnHold(dxTime.time(), dxTime.source(), infection.evidence(), deadline,
                    unscheduledSessions(protocol, placer, priors), unscheduledHome(protocol, priors), notes);
        }
        Instant earliest = earliestStart(dxTime.time(), infection, protocol, placer, notes);
        List<PlannedSession> sessions = scheduleSessions(protocol, placer, priors, earliest);
        notes.addAll(unrecordedPastSessions(placer, priors, sessions, now));
        Instant firstStart = sessions.get(0).start();
        if (firstStart.isAfter(deadline)) {
            boolean firstRecorded = priors.recordedSessionStart(placer.layout(1, Instant.EPOCH, SCHEDULED)).isPresent();
            notes.add(windowMissed(protocol, dxTime.time(), deadline, infection.infected() ? earliest : null,
                    firstStart, firstRecorded));
        }
        List<PlannedHomeActivity> home = scheduleHome(protocol, sessions, priors);
        if (priors.kept() > 0) {
            notes.add(PlanNote.info(NoteCode.PRIOR_ACTIVITY_KEPT, priors.kept() + " activities keep the time they"
                    + " already started at or the status a clinician set on the previous plan."));
        }
        return new PlanDecision.Scheduled(dxTime.time(), dxTime.source(), infection.infected(),
                infection.evidence(), infection.antibiotic(), earliest, deadline, sessions, home, notes);
    }

    /**
     * The earliest session start the clinical rules allow: the visit, moist heat first, begins no earlier than the
     * diagnosis; when infected, the session (the heat comes "prior to session") starts after the antibiotic lead time.
     */
    private static Instant earliestStart(Instant dxTime, InfectionAssessment infection, Protocol protocol,
                                         VisitPlacer placer, List<PlanNote> notes) {
        Instant afterDiagnosis = placer.sessionStartOfVisitFrom(dxTime);
        if (!infection.infected()) {
            return afterDiagnosis;
        }
        Instant afterLead = infection.antibiotic().start().plus(protocol.antibioticLeadTime());
        notes.add(PlanNote.info(NoteCode.ANTIBIOTIC_LEAD_TIME, "Infected: therapy starts no earlier than "
                + Texts.human(protocol.antibioticLeadTime()) + " after antibiotic "
                + InfectionAssessment.label(infection.antibiotic()) + " started at " + infection.antibiotic().start()
                + ", i.e. not before " + afterLead + "."));
        return afterLead.isAfter(afterDiagnosis) ? afterLead : afterDiagnosis;
    }

    /**
     * A session a clinician recorded stays as recorded. A session nobody recorded that comes before a recorded one
     * keeps the time its previous plan gave it (it is overdue, and moving it would put it after a session that took
     * place). Every other session starts at or after {@code notBefore} and at least one follow-up interval after
     * the session before it, recorded or planned.
     */
    private static List<PlannedSession> scheduleSessions(Protocol protocol, VisitPlacer placer, PriorActivities priors,
                                                         Instant notBefore) {
        int sessionCount = protocol.followUp().count() + 1;
        List<Optional<Instant>> recordedStarts = new ArrayList<>();
        int lastRecorded = 0;
        for (int number = 1; number <= sessionCount; number++) {
            recordedStarts.add(priors.recordedSessionStart(placer.layout(number, Instant.EPOCH, SCHEDULED)));
            if (recordedStarts.get(number - 1).isPresent()) {
                lastRecorded = number;
            }
        }
        List<PlannedSession> sessions = new ArrayList<>();
        Instant previousStart = null;
        for (int number = 1; number <= sessionCount; number++) {
            List<PlannedActivity> layoutAtEpoch = placer.layout(number, Instant.EPOCH, SCHEDULED);
            Optional<Instant> recordedStart = recordedStarts.get(number - 1);
            Optional<Instant> overdueStart = number < lastRecorded
                    ? priors.unrecordedPastSessionStart(layoutAtEpoch) : Optional.empty();
            PlannedSession session;
            if (recordedStart.isPresent()) {
                session = recordedSession(number, recordedStart.get(), placer, priors, SCHEDULED);
            } else if (overdueStart.isPresent()) {
                Instant start = overdueStart.get();
                session = new PlannedSession(number, start, placer.sessionEnd(start),
                        placer.layout(number, start, SCHEDULED).stream().map(priors::apply).toList());
            } else {
                Instant start = placer.firstSessionStart(previousStart == null ? notBefore
                        : later(notBefore, previousStart.plus(protocol.followUp().interval())));
                session = new PlannedSession(number, start, placer.sessionEnd(start),
                        placer.layout(number, start, SCHEDULED).stream().map(priors::apply).toList());
            }
            sessions.add(session);
            previousStart = session.start();
        }
        return sessions;
    }

    private static PlannedSession recordedSession(int number, Instant start, VisitPlacer placer, PriorActivities priors,
                                                  String status) {
        return new PlannedSession(number, start, placer.sessionEnd(start),
                placer.layout(number, start, status).stream().map(priors::keepAsRecorded).toList());
    }

    /**
     * Times follow the clinical facts, not the moment the plan is made, so a diagnosis that arrives late, or a
     * session nobody recorded, leaves sessions whose time has passed. Each one gets a warning, so that the clinic
     * arranges it or records that it took place: one the rules moved since the previous plan says where from.
     */
    private static List<PlanNote> unrecordedPastSessions(VisitPlacer placer, PriorActivities priors,
                                                         List<PlannedSession> sessions, Instant now) {
        List<PlanNote> notes = new ArrayList<>();
        for (PlannedSession session : sessions) {
            List<PlannedActivity> layout = placer.layout(session.number(), Instant.EPOCH, SCHEDULED);
            Optional<Instant> previous = priors.unrecordedPastSessionStart(layout)
                    .filter(start -> !start.equals(session.start()));
            if (previous.isPresent()) {
                notes.add(PlanNote.warning(NoteCode.UNRECORDED_SESSION_MOVED, "Session " + session.number()
                        + " was due at " + previous.get() + " and nothing is recorded for it: it is planned again at "
                        + session.start() + ". If it took place, record its activities (e.g. completed) with their"
                        + " times."));
            } else if (session.start().isBefore(now) && priors.recordedSessionStart(layout).isEmpty()) {
                notes.add(PlanNote.warning(NoteCode.SESSION_DUE_UNRECORDED, "Session " + session.number()
                        + " is due at " + session.start() + ", which has passed, and nothing is recorded for it:"
                        + " arrange it as soon as possible, or record its activities (e.g. completed) if it took"
                        + " place."));
            }
        }
        return notes;
    }

    private static List<PlannedHomeActivity> scheduleHome(Protocol protocol, List<PlannedSession> sessions,
                                                          PriorActivities priors) {
        Instant from = sessions.get(0).end();
        Instant until = sessions.get(sessions.size() - 1).end().plus(protocol.followUp().interval());
        return protocol.homeSteps().stream()
                .map(step -> priors.apply(new PlannedHomeActivity(ActivityKeys.home(step.id()), step, from, until,
                        SCHEDULED)))
                .toList();
    }

    private static List<PlannedSession> unscheduledSessions(Protocol protocol, VisitPlacer placer,
                                                            PriorActivities priors) {
        List<PlannedSession> sessions = new ArrayList<>();
        for (int number = 1; number <= protocol.followUp().count() + 1; number++) {
            Optional<Instant> recordedStart = priors.recordedSessionStart(placer.layout(number, Instant.EPOCH,
                    ON_HOLD));
            sessions.add(recordedStart.isPresent() ? recordedSession(number, recordedStart.get(), placer, priors, ON_HOLD)
                    : new PlannedSession(number, null, null,
                    placer.unscheduled(number, ON_HOLD).stream().map(priors::apply).toList()));
        }
        return sessions;
    }

    private static List<PlannedHomeActivity> unscheduledHome(Protocol protocol, PriorActivities priors) {
        return protocol.homeSteps().stream()
                .map(step -> priors.apply(new PlannedHomeActivity(ActivityKeys.home(step.id()), step, null, null,
                        ON_HOLD)))
                .toList();
    }

    /** {@code infectedEarliest} is the earliest start the antibiotic allows, null when not infected. */
    private static PlanNote windowMissed(Protocol protocol, Instant dxTime, Instant deadline, Instant infectedEarliest,
                                         Instant firstStart, boolean firstRecorded) {
        String why;
        if (firstRecorded) {
            why = "it took place then, as recorded on the plan";
        } else if (infectedEarliest != null && infectedEarliest.isAfter(deadline)) {
            why = "the antibiotic lead time of " + Texts.human(protocol.antibioticLeadTime()) + " ends at "
                    + infectedEarliest + ", after the deadline";
        } else {
            why = "no visit fits the clinic hours (" + protocol.clinicHours().opens() + "-"
                    + protocol.clinicHours().closes() + " " + protocol.clinicHours().zone() + ") before the deadline";
        }
        return PlanNote.warning(NoteCode.WINDOW_MISSED, "The " + Texts.human(protocol.startWithin())
                + " window from diagnosis (" + dxTime + ") cannot be met: the first session (session 1) starts "
                + firstStart + ", deadline " + deadline + ", because " + why + ".");
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static PlanDecision withNote(PlanDecision decision, PlanNote note) {
        List<PlanNote> notes = new ArrayList<>();
        notes.add(note);
        notes.addAll(decision.notes());
        if (decision instanceof PlanDecision.Completed c) {
            return new PlanDecision.Completed(c.reason(), notes);
        }
        if (decision instanceof PlanDecision.Revoked r) {
            return new PlanDecision.Revoked(r.reason(), r.referral(), notes);
        }
        return new PlanDecision.NotEligible(notes);
    }
}
