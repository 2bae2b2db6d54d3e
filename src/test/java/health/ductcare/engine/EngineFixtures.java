package health.ductcare.engine;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Builders for engine inputs in the terms of the shipped protocol's code sets. */
final class EngineFixtures {

    static final String SCT = "http://snomed.info/sct";
    static final String ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm";
    static final String ICD10 = "http://hl7.org/fhir/sid/icd-10";
    static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";
    static final String ATC = "http://www.whocc.no/atc";
    static final String LOINC = "http://loinc.org";

    static final Code AMBIGUOUS_LACTATION = new Code(ICD10CM, "O92.79");
    static final Code MASTITIS_LACTATION = new Code(ICD10CM, "O91.23");
    static final Code CEPHALEXIN_500_CAP = new Code(RXNORM, "309114");
    static final Code BODY_TEMPERATURE = new Code(LOINC, "8310-5");
    static final Code TOPICAL = new Code(SCT, "6064005");
    static final Code ORAL = new Code(SCT, "26643006");

    private EngineFixtures() {
    }

    /** A blocked duct coded with the ambiguous O92.79 and corroborated by text: eligible, not infected. */
    static DiagnosisInput blockedDuct(Instant recorded) {
        return diagnosis(List.of(AMBIGUOUS_LACTATION), "Blocked milk duct, left breast", recorded);
    }

    static DiagnosisInput mastitis(Instant recorded) {
        return diagnosis(List.of(MASTITIS_LACTATION), "Lactational mastitis", recorded);
    }

    static DiagnosisInput diagnosis(List<Code> codes, String text, Instant recorded) {
        return new DiagnosisInput("Condition/dx1", codes, text, ClinicalStatus.ACTIVE, VerificationStatus.CONFIRMED,
                recorded, null, null, recorded);
    }

    static DiagnosisInput withStatus(DiagnosisInput d, ClinicalStatus clinical, VerificationStatus verification) {
        return new DiagnosisInput(d.reference(), d.codes(), d.text(), clinical, verification, d.recordedDate(),
                d.assertedDate(), d.onsetDateTime(), d.receivedAt());
    }

    static MedicationInput cephalexin(Instant start) {
        return antibiotic("MedicationRequest/abx1", "active", List.of(CEPHALEXIN_500_CAP), List.of(ORAL), start);
    }

    static MedicationInput antibiotic(String ref, String status, List<Code> codes, List<Code> routes, Instant start) {
        return new MedicationInput(ref, status, "order", codes, "cephalexin 500 MG Oral Capsule", routes, start, null,
                null);
    }

    static TemperatureInput temperature(String value, String unit, Instant at) {
        return new TemperatureInput("Observation/t1", List.of(BODY_TEMPERATURE), at, new BigDecimal(value), unit,
                "final");
    }

    static PlanInput input(DiagnosisInput dx, List<MedicationInput> meds, List<TemperatureInput> temps) {
        return new PlanInput(dx, meds, temps, List.of());
    }
}
