package health.ductcare.bundle;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import java.util.UUID;

/** Small builders for the Bundles and resources the bundle tests post. */
final class BundleJson {

    static final String FHIR_JSON = "application/fhir+json";
    static final String FHIR_XML = "application/fhir+xml";

    private BundleJson() {
    }

    /**
     * Waits (up to three minutes) for the validator's background warm-up, whose first run can take most of a
     * minute on a loaded machine and would otherwise time out the first request of a class.
     */
    static void awaitWarm(health.ductcare.fhir.FhirValidation validation) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3);
        while (!validation.isWarm() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    static String bundle(String type, String... entries) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":[" + String.join(",", entries) + "]}";
    }

    static String entry(String fullUrl, String resource, String method, String url) {
        return entry(fullUrl, resource, "{\"method\":\"" + method + "\",\"url\":\"" + url + "\"}");
    }

    static String entry(String fullUrl, String resource, String request) {
        StringBuilder json = new StringBuilder("{");
        if (fullUrl != null) {
            json.append("\"fullUrl\":\"").append(fullUrl).append("\",");
        }
        if (resource != null) {
            json.append("\"resource\":").append(resource).append(",");
        }
        return json.append("\"request\":").append(request).append("}").toString();
    }

    static String patient(String mrn) {
        return patient(null, mrn, "Testmother");
    }

    static String patient(String id, String mrn, String family) {
        return "{\"resourceType\":\"Patient\"," + (id == null ? "" : "\"id\":\"" + id + "\",")
                + "\"identifier\":[{\"system\":\"urn:ductcare:test:mrn\",\"value\":\"" + mrn + "\"}],"
                + "\"name\":[{\"family\":\"" + family + "\",\"given\":[\"Anna\"]}],\"gender\":\"female\","
                + "\"birthDate\":\"1990-04-12\"}";
    }

    static String condition(String subjectReference) {
        return "{\"resourceType\":\"Condition\","
                + "\"clinicalStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/condition-clinical\",\"code\":\"active\"}]},"
                + "\"code\":{\"text\":\"Blocked milk duct\"},"
                + "\"subject\":{\"reference\":\"" + subjectReference + "\"}}";
    }

    /** A Condition without its mandatory subject: invalid R4. */
    static String conditionWithoutSubject() {
        return "{\"resourceType\":\"Condition\",\"code\":{\"text\":\"Blocked milk duct\"}}";
    }

    static String createPatient(String mrn) {
        return given().contentType(FHIR_JSON).body(patient(mrn)).when().post("/fhir/Patient")
                .then().statusCode(201).extract().path("id");
    }

    static Response postBundle(String body) {
        return given().contentType(FHIR_JSON).accept(FHIR_JSON).body(body).when().post("/fhir");
    }

    /** The number of versions the server holds for a type: what a rolled-back transaction must not change. */
    static int historyTotal(String type) {
        return given().accept(FHIR_JSON).queryParam("_count", 1).when().get("/fhir/" + type + "/_history")
                .then().statusCode(200).extract().path("total");
    }
}
