package health.ductcare.search;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import java.util.List;
import java.util.UUID;

/** Shared helpers: creating resources over HTTP and reading search answers. */
final class SearchSupport {

    static final String FHIR_JSON = "application/fhir+json";

    private SearchSupport() {
    }

    /** A value no other test uses, so tests share the database without seeing each other's data. */
    static String unique() {
        return UUID.randomUUID().toString().substring(0, 12);
    }

    static String create(String type, String json) {
        return given().contentType(FHIR_JSON).body(json)
                .when().post("/fhir/" + type)
                .then().statusCode(201)
                .extract().path("id");
    }

    static String patient(String family, String given, String gender, String birthDate, String mrn) {
        return create("Patient", """
                {"resourceType": "Patient",
                 "identifier": [{"system": "urn:test:mrn", "value": "%s"}],
                 "name": [{"family": "%s", "given": ["%s"]}],
                 "gender": "%s", "birthDate": "%s"}""".formatted(mrn, family, given, gender, birthDate));
    }

    static String condition(String patientId, String code, String clinical, String onset, String recorded,
            String identifier) {
        return create("Condition", """
                {"resourceType": "Condition",
                 "identifier": [{"system": "urn:test:cond", "value": "%s"}],
                 "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "%s"}]},
                 "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
                 "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category", "code": "problem-list-item"}]}],
                 "code": {"coding": [{"system": "http://snomed.info/sct", "code": "%s", "display": "Blocked milk duct"}],
                          "text": "Blocked duct left breast"},
                 "subject": {"reference": "Patient/%s"},
                 "onsetDateTime": "%s", "recordedDate": "%s"}""".formatted(identifier, clinical, code, patientId,
                onset, recorded));
    }

    static Response search(String query) {
        return given().accept(FHIR_JSON).when().get("/fhir/" + query);
    }

    /** The ids of the entries with search mode {@code match}. */
    static List<String> matchIds(Response response) {
        return response.then().statusCode(200).extract().jsonPath()
                .getList("entry.findAll { it.search.mode == 'match' }.resource.id");
    }

    static List<String> includedIds(Response response) {
        return response.then().statusCode(200).extract().jsonPath()
                .getList("entry.findAll { it.search.mode == 'include' }.resource.id");
    }
}
