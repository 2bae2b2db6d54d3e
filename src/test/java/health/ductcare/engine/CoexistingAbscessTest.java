package health.ductcare.engine;

import static health.ductcare.engine.EngineFixtures.ICD10CM;
import static health.ductcare.engine.EngineFixtures.MASTITIS_LACTATION;
import static health.ductcare.engine.EngineFixtures.blockedDuct;
import static health.ductcare.engine.EngineFixtures.withStatus;
import static org.assertj.core.api.Assertions.assertThat;

import health.ductcare.testsupport.Fhir;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A breast abscess recorded as its own Condition stops the patient's blocked-duct therapy while it is active. */
class CoexistingAbscessTest {

    private static final Protocol PROTOCOL = Fhir.defaultProtocol().protocol();
    private static final Instant T0 = Instant.parse("2025-01-15T10:00:00Z");
    private static final Code ABSCESS_LACTATION = new Code(ICD10CM, "O91.13");

    private static DiagnosisInput abscess(ClinicalStatus clinical, VerificationStatus verification) {
        return new DiagnosisInput("Condition/abscess1", List.of(ABSCESS_LACTATION), "Breast abscess", clinical,
                verification, T0, null, null, T0);
    }

    private static PlanDecision plan(DiagnosisInput diagnosis, List<DiagnosisInput> others) {
        return CarePlanEngine.plan(new PlanInput(diagnosis, List.of(), List.of(), List.of(), others), PROTOCOL,
                T0.plus(Duration.ofHours(1)));
    }

    @Test
    void anActiveAbscessElsewhereRevokesTheBlockedDuctPlanWithAReferral() {
        PlanDecision decision = plan(blockedDuct(T0),
                List.of(abscess(ClinicalStatus.ACTIVE, VerificationStatus.CONFIRMED)));

        assertThat(decision).isInstanceOf(PlanDecision.Revoked.class);
        assertThat(((PlanDecision.Revoked) decision).referral()).isTrue();
        assertThat(decision.notes()).filteredOn(n -> n.code() == NoteCode.ABSCESS_REFER).singleElement()
                .satisfies(note -> {
                    assertThat(note.severity()).isEqualTo(PlanNote.Severity.WARNING);
                    assertThat(note.text()).contains("Condition/abscess1").contains("O91.13").contains("refer");
                });
    }

    @Test
    void anAbscessWithNoClinicalStatusCountsAsActive() {
        assertThat(plan(blockedDuct(T0), List.of(abscess(null, null)))).isInstanceOf(PlanDecision.Revoked.class);
    }

    @ParameterizedTest
    @CsvSource({"RESOLVED, CONFIRMED", "INACTIVE, CONFIRMED", "REMISSION, CONFIRMED", "ACTIVE, REFUTED",
            "ACTIVE, ENTERED_IN_ERROR"})
    void anAbscessThatIsOverOrWrongStopsNothing(ClinicalStatus clinical, VerificationStatus verification) {
        assertThat(plan(blockedDuct(T0), List.of(abscess(clinical, verification))))
                .isInstanceOf(PlanDecision.Scheduled.class);
    }

    @Test
    void anotherConditionThatIsNoAbscessStopsNothing() {
        DiagnosisInput mastitis = new DiagnosisInput("Condition/m1", List.of(MASTITIS_LACTATION), "Mastitis",
                ClinicalStatus.ACTIVE, VerificationStatus.CONFIRMED, T0, null, null, T0);

        assertThat(plan(blockedDuct(T0), List.of(mastitis))).isInstanceOf(PlanDecision.Scheduled.class);
    }

    @Test
    void aResolvedBlockedDuctIsCompletedWhateverElseThePatientHas() {
        PlanDecision decision = plan(withStatus(blockedDuct(T0), ClinicalStatus.RESOLVED, VerificationStatus.CONFIRMED),
                List.of(abscess(ClinicalStatus.ACTIVE, VerificationStatus.CONFIRMED)));

        assertThat(decision).isInstanceOf(PlanDecision.Completed.class);
    }

    @Test
    void theDiagnosisItselfIsNotAnotherCondition() {
        DiagnosisInput self = blockedDuct(T0);

        assertThat(plan(self, List.of(self))).isInstanceOf(PlanDecision.Scheduled.class);
    }
}
