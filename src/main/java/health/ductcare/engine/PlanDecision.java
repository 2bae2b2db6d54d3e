package health.ductcare.engine;

import java.time.Instant;
import java.util.List;

/** What the engine decided for one diagnosis. Every decision carries human-readable notes. */
public sealed interface PlanDecision {

    List<PlanNote> notes();

    /** The plan is made; sessions are placed in time. */
    record Scheduled(
            Instant diagnosisTime,
            DiagnosisTimeSource diagnosisTimeSource,
            boolean infected,
            List<Evidence> infectionEvidence,
            MedicationInput antibioticUsed,
            Instant earliestStart,
            Instant deadline,
            List<PlannedSession> sessions,
            List<PlannedHomeActivity> home,
            List<PlanNote> notes) implements PlanDecision {

        public Scheduled {
            infectionEvidence = List.copyOf(infectionEvidence);
            sessions = List.copyOf(sessions);
            home = List.copyOf(home);
            notes = List.copyOf(notes);
        }

        public String status() {
            return "active";
        }

        public boolean windowMet() {
            return !sessions.isEmpty() && !sessions.get(0).start().isAfter(deadline);
        }
    }

    /** Infected without a usable antibiotic: activities are listed but not placed in time. */
    record OnHold(
            Instant diagnosisTime,
            DiagnosisTimeSource diagnosisTimeSource,
            List<Evidence> infectionEvidence,
            Instant deadline,
            List<PlannedSession> sessions,
            List<PlannedHomeActivity> home,
            List<PlanNote> notes) implements PlanDecision {

        public OnHold {
            infectionEvidence = List.copyOf(infectionEvidence);
            sessions = List.copyOf(sessions);
            home = List.copyOf(home);
            notes = List.copyOf(notes);
        }
    }

    /** The diagnosis is resolved, inactive or in remission. */
    record Completed(String reason, List<PlanNote> notes) implements PlanDecision {
        public Completed {
            notes = List.copyOf(notes);
        }
    }

    /** The diagnosis was refuted or entered in error, or turned out to be an abscess (refer). */
    record Revoked(String reason, boolean referral, List<PlanNote> notes) implements PlanDecision {
        public Revoked {
            notes = List.copyOf(notes);
        }
    }

    /** The protocol does not apply to this diagnosis. */
    record NotEligible(List<PlanNote> explanation) implements PlanDecision {
        public NotEligible {
            explanation = List.copyOf(explanation);
        }

        @Override
        public List<PlanNote> notes() {
            return explanation;
        }
    }
}
