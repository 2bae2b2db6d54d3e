package health.ductcare.security;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;

/** Data the security tests set up through the API with an all-powerful backend token. */
final class SecurityFixtures {

    static final String FHIR_JSON = "application/fhir+json";
    static final String ADMIN = "system/*.cruds";

    private SecurityFixtures() {
    }

    static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).accept(FHIR_JSON);
    }

    static RequestSpecification admin() {
        return as(Tokens.system(ADMIN));
    }

    static String create(String type, String json) {
        return admin().contentType(FHIR_JSON).body(json).when().post("/fhir/" + type)
                .then().statusCode(201).extract().path("id");
    }

    static String patient(String family) {
        return create("Patient", patientJson(null, family));
    }

    static String patientJson(String id, String family) {
        return "{\"resourceType\":\"Patient\"," + (id == null ? "" : "\"id\":\"" + id + "\",")
                + "\"name\":[{\"family\":\"" + family + "\"}],\"gender\":\"female\"}";
    }

    static String conditionJson(String id, String patientId, String note) {
        return "{\"resourceType\":\"Condition\"," + (id == null ? "" : "\"id\":\"" + id + "\",")
                + "\"clinicalStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"active\"}]},"
                + "\"verificationStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-ver-status\",\"code\":\"confirmed\"}]},"
                + "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"18347007\",\"display\":\"Mastitis\"}]},"
                + "\"subject\":{\"reference\":\"Patient/" + patientId + "\"},"
                + "\"note\":[{\"text\":\"" + note + "\"}]}";
    }

    static String observationJson(String id, String patientId, String note) {
        return "{\"resourceType\":\"Observation\"," + (id == null ? "" : "\"id\":\"" + id + "\",") + "\"status\":\"final\","
                + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8310-5\"}]},"
                + (patientId == null ? "" : "\"subject\":{\"reference\":\"Patient/" + patientId + "\"},")
                + "\"valueQuantity\":{\"value\":37.2,\"unit\":\"C\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"Cel\"},"
                + "\"note\":[{\"text\":\"" + note + "\"}]}";
    }
}
