package health.ductcare.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import health.ductcare.engine.ClinicalStatus;
import health.ductcare.engine.Code;
import health.ductcare.engine.DiagnosisInput;
import health.ductcare.engine.MedicationInput;
import health.ductcare.engine.TemperatureInput;
import health.ductcare.engine.VerificationStatus;
import health.ductcare.testsupport.Fhir;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

class PlanInputMapperTest {

    static final Instant RECEIVED = Instant.parse("2025-01-15T16:00:00Z");

    @Test
    void readsAConditionWithItsRecordedDate() {
        DiagnosisInput dx = PlanInputMapper.diagnosis(
                Fhir.parse(Condition.class, "fixtures/condition-blocked-duct.json"), RECEIVED);

        assertThat(dx.reference()).isEqualTo("Condition/blocked-duct");
        assertThat(dx.codes()).containsExactly(new Code("http://hl7.org/fhir/sid/icd-10-cm", "O92.79"));
        assertThat(dx.text()).contains("Blocked milk duct, left breast");
        assertThat(dx.clinicalStatus()).isEqualTo(ClinicalStatus.ACTIVE);
        assertThat(dx.verificationStatus()).isEqualTo(VerificationStatus.CONFIRMED);
        assertThat(dx.recordedDate()).isEqualTo("2025-01-15T15:00:00Z");
        assertThat(dx.onsetDateTime()).isEqualTo("2025-01-15T01:00:00Z");
        assertThat(dx.assertedDate()).isNull();
        assertThat(dx.receivedAt()).isEqualTo(RECEIVED);
    }

    @Test
    void readsTheAssertedDateExtension() {
        DiagnosisInput dx = PlanInputMapper.diagnosis(
                Fhir.parse(Condition.class, "fixtures/condition-mastitis.json"), RECEIVED);

        assertThat(dx.recordedDate()).isNull();
        assertThat(dx.assertedDate()).isEqualTo("2025-01-15T14:30:00Z");
        assertThat(dx.codes()).hasSize(2);
    }

    @Test
    void readsADateWithoutTimeAsTheStartOfThatDayInUtc() {
        Condition c = Fhir.parse(Condition.class, "fixtures/condition-blocked-duct.json");
        c.setRecordedDateElement(new DateTimeType("2025-01-15"));
        c.setClinicalStatus(null);

        DiagnosisInput dx = PlanInputMapper.diagnosis(c, RECEIVED);

        assertThat(dx.recordedDate()).isEqualTo("2025-01-15T00:00:00Z");
        assertThat(dx.clinicalStatus()).isNull();
    }

    @Test
    void readsAMedicationRequestWithCodesRouteAndStartTimes() {
        MedicationInput med = PlanInputMapper.medication(
                Fhir.parse(MedicationRequest.class, "fixtures/medicationrequest-cephalexin.json"), null);

        assertThat(med.reference()).isEqualTo("MedicationRequest/cephalexin");
        assertThat(med.status()).isEqualTo("active");
        assertThat(med.intent()).isEqualTo("order");
        assertThat(med.codes()).containsExactly(new Code("http://www.nlm.nih.gov/research/umls/rxnorm", "309114"));
        assertThat(med.routes()).containsExactly(new Code("http://snomed.info/sct", "26643006"));
        assertThat(med.boundsPeriodStart()).isEqualTo("2025-01-15T15:00:00Z");
        assertThat(med.authoredOn()).isEqualTo("2025-01-15T14:45:00Z");
        assertThat(med.start()).isEqualTo("2025-01-15T15:00:00Z");
    }

    @Test
    void resolvesAContainedMedication() {
        MedicationInput med = PlanInputMapper.medication(
                Fhir.parse(MedicationRequest.class, "fixtures/medicationrequest-contained-dicloxacillin.json"), null);

        assertThat(med.codes()).containsExactly(new Code("http://www.whocc.no/atc", "J01CF01"));
        assertThat(med.text()).contains("Dicloxacillin 500 mg capsule");
        assertThat(med.validityPeriodStart()).isEqualTo("2025-01-14T13:00:00Z");
        assertThat(med.intent()).isEqualTo("plan");
    }

    @Test
    void resolvesAReferencedMedicationWithItsIngredients() {
        Medication gel = Fhir.parse(Medication.class, "fixtures/medication-clindamycin-gel.json");

        MedicationInput med = PlanInputMapper.medication(
                Fhir.parse(MedicationRequest.class, "fixtures/medicationrequest-clindamycin-topical.json"),
                Map.of("Medication/clindamycin-gel", gel)::get);

        assertThat(med.codes()).containsExactly(new Code("http://www.nlm.nih.gov/research/umls/rxnorm", "2582"));
        assertThat(med.text()).contains("Clindamycin 1% gel");
        assertThat(med.routes()).containsExactly(new Code("http://snomed.info/sct", "6064005"));
    }

    @Test
    void readsATemperature() {
        TemperatureInput t = PlanInputMapper.temperature(Fhir.parse(Observation.class, "fixtures/observation-fever.json"));

        assertThat(t.reference()).isEqualTo("Observation/fever");
        assertThat(t.codes()).containsExactly(new Code("http://loinc.org", "8310-5"));
        assertThat(t.value()).isEqualByComparingTo(new BigDecimal("101.3"));
        assertThat(t.ucumUnit()).isEqualTo("[degF]");
        assertThat(t.effective()).isEqualTo("2025-01-15T13:00:00Z");
        assertThat(t.status()).isEqualTo("final");
    }

    @Test
    void buildsAPlanInputWithoutPriorActivitiesWhenNothingIsStored() {
        var input = PlanInputMapper.toPlanInput(Fhir.parse(Condition.class, "fixtures/condition-mastitis.json"),
                List.of(Fhir.parse(MedicationRequest.class, "fixtures/medicationrequest-cephalexin.json")), null,
                List.of(Fhir.parse(Observation.class, "fixtures/observation-fever.json")), RECEIVED, null);

        assertThat(input.medications()).hasSize(1);
        assertThat(input.temperatures()).hasSize(1);
        assertThat(input.priorActivities()).isEmpty();
    }
}
