package health.ductcare.bench;

/** The resources the micro-benchmarks work on: the Condition of the load generator (lactational mastitis). */
public final class BenchResources {

    private BenchResources() {
    }

    public static final String CONDITION_JSON = """
            {"resourceType":"Condition","identifier":[{"system":"urn:x-fhir-load:condition","value":"bench-c000001"}],
             "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active","display":"Active"}]},
             "verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"confirmed","display":"Confirmed"}]},
             "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-category","code":"encounter-diagnosis","display":"Encounter Diagnosis"}]}],
             "severity":{"coding":[{"system":"http://snomed.info/sct","code":"6736007","display":"Moderate"}]},
             "code":{"coding":[{"system":"http://snomed.info/sct","code":"1287638006","display":"Puerperal mastitis"},
                               {"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"O91.23","display":"Nonpurulent mastitis associated with lactation"}],
                     "text":"Lactational mastitis following a blocked milk duct"},
             "bodySite":[{"coding":[{"system":"http://snomed.info/sct","code":"80248007","display":"Left breast structure"}]}],
             "subject":{"reference":"Patient/bench-p0001"},"onsetDateTime":"2025-01-06T13:00:00-05:00","recordedDate":"2025-01-07T13:00:00-05:00",
             "note":[{"text":"Exclusively breastfeeding, 3 weeks postpartum. Blocked duct for 2 days."}]}
            """;

    public static final String MEDICATION_REQUEST_JSON = """
            {"resourceType":"MedicationRequest","status":"active","intent":"order",
             "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"309114","display":"cephalexin 500 MG Oral Capsule"}]},
             "subject":{"reference":"Patient/bench-p0001"},"authoredOn":"2025-01-07T15:00:00-05:00",
             "reasonReference":[{"reference":"Condition/bench-c000001"}],
             "dosageInstruction":[{"text":"Take 1 capsule (500 mg) by mouth every 6 hours for 10 days.",
               "timing":{"repeat":{"frequency":1,"period":6,"periodUnit":"h"}}}]}
            """;
}
