package health.ductcare.search;

import static health.ductcare.search.SearchSupport.FHIR_JSON;
import static health.ductcare.search.SearchSupport.create;
import static health.ductcare.search.SearchSupport.matchIds;
import static health.ductcare.search.SearchSupport.patient;
import static health.ductcare.search.SearchSupport.search;
import static health.ductcare.search.SearchSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hospital systems often name the patient by her record number rather than by a resource of this server: a
 * logical reference ({@code "subject": {"identifier": ...}}), found with the {@code :identifier} modifier
 * (search.html#modifiers), or a conditional reference ({@code "Patient?identifier=..."}), which a write resolves
 * to the one Patient it matches, as a transaction does (http.html#trules).
 */
@QuarkusTest
class LogicalReferenceTest {

    private static final String MASTITIS = """
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
            "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "1287638006"}]},
            "recordedDate": "2025-04-02T09:30:00Z\"""";

    private String mrn;

    @BeforeEach
    void recordNumber() {
        mrn = "MRN-" + unique();
    }

    private static String conditionWithSubject(String subject) {
        return "{\"resourceType\": \"Condition\", " + MASTITIS + ", \"subject\": " + subject + "}";
    }

    private String logicalSubject(String system, String value) {
        return "{\"identifier\": {\"system\": \"" + system + "\", \"value\": \"" + value + "\"}}";
    }

    @Test
    void theIdentifierModifierFindsLogicalReferencesByTheirIdentifier() {
        String logical = create("Condition", conditionWithSubject(logicalSubject("urn:test:mrn", mrn)));
        String patient = patient("Logical" + unique().replace("-", ""), "Eva", "female", "1990-01-01", mrn);
        String both = create("Condition", conditionWithSubject("{\"reference\": \"Patient/" + patient
                + "\", \"identifier\": {\"system\": \"urn:test:mrn\", \"value\": \"" + mrn + "\"}}"));
        String literalOnly = create("Condition", conditionWithSubject("{\"reference\": \"Patient/" + patient + "\"}"));
        String otherSystem = create("Condition", conditionWithSubject(logicalSubject("urn:other:mrn", mrn)));

        assertThat(matchIds(search("Condition?subject:identifier=urn:test:mrn|" + mrn)))
                .containsExactlyInAnyOrder(logical, both);
        assertThat(matchIds(search("Condition?subject:identifier=" + mrn)))
                .containsExactlyInAnyOrder(logical, both, otherSystem);
        assertThat(matchIds(search("Condition?subject:identifier=urn:other:mrn|")))
                .contains(otherSystem).doesNotContain(logical, both, literalOnly);
        assertThat(matchIds(search("Condition?subject:identifier=urn:test:mrn|nobody-" + unique()))).isEmpty();
        // the literal reference is searched as before, and the identifier does not stand in for it
        assertThat(matchIds(search("Condition?subject=Patient/" + patient)))
                .containsExactlyInAnyOrder(both, literalOnly);
        // AND with other parameters, comma for alternatives
        assertThat(matchIds(search("Condition?subject:identifier=urn:test:mrn|" + mrn + ",urn:other:mrn|" + mrn
                + "&code=1287638006"))).containsExactlyInAnyOrder(logical, both, otherSystem);
    }

    @Test
    void anUpdateReplacesTheIndexedIdentifier() {
        String logical = create("Condition", conditionWithSubject(logicalSubject("urn:test:mrn", mrn)));
        String next = "MRN-" + unique();
        given().contentType(FHIR_JSON)
                .body(conditionWithSubject(logicalSubject("urn:test:mrn", next))
                        .replaceFirst("\\{", "{\"id\": \"" + logical + "\", "))
                .when().put("/fhir/Condition/" + logical).then().statusCode(200);

        assertThat(matchIds(search("Condition?subject:identifier=urn:test:mrn|" + mrn))).isEmpty();
        assertThat(matchIds(search("Condition?subject:identifier=urn:test:mrn|" + next))).containsExactly(logical);
    }

    @Test
    void theIdentifierModifierIsOnlyForReferencesAndCannotBeChained() {
        search("Condition?subject:identifier.name=Eva").then().statusCode(400)
                .body("issue[0].diagnostics", org.hamcrest.Matchers.containsString("cannot be chained"));
        search("Condition?code:identifier=x").then().statusCode(400);
        given().accept(FHIR_JSON).header("Prefer", "handling=lenient")
                .when().get("/fhir/Condition?code:identifier=x&_count=1").then().statusCode(200);
    }

    @Test
    void aConditionalReferenceInAPlainCreateIsResolvedAndThePatientGetsHerPlan() {
        String patient = patient("Cond" + unique().replace("-", ""), "Ida", "female", "1992-02-02", mrn);
        String condition = create("Condition",
                conditionWithSubject("{\"reference\": \"Patient?identifier=urn:test:mrn|" + mrn + "\"}"));

        JsonPath stored = given().accept(FHIR_JSON).when().get("/fhir/Condition/" + condition)
                .then().statusCode(200).extract().jsonPath();
        assertThat(stored.getString("subject.reference")).isEqualTo("Patient/" + patient);
        assertThat(matchIds(search("Condition?subject=Patient/" + patient))).containsExactly(condition);
        JsonPath plan = given().accept(FHIR_JSON).when().get("/fhir/CarePlan/careplan-" + condition)
                .then().statusCode(200).extract().jsonPath();
        assertThat(plan.getString("subject.reference")).isEqualTo("Patient/" + patient);
    }

    @Test
    void aConditionalReferenceInAnUpdateIsResolvedToo() {
        String patient = patient("Upd" + unique().replace("-", ""), "Ada", "female", "1993-03-03", mrn);
        String id = "logical-" + unique();
        given().contentType(FHIR_JSON)
                .body(conditionWithSubject("{\"reference\": \"Patient?identifier=urn:test:mrn|" + mrn + "\"}")
                        .replaceFirst("\\{", "{\"id\": \"" + id + "\", "))
                .when().put("/fhir/Condition/" + id)
                .then().statusCode(201).body("subject.reference", org.hamcrest.Matchers.equalTo("Patient/" + patient));
    }

    @Test
    void aConditionalReferenceThatMatchesNoneOrSeveralIsRefusedAndNothingIsStored() {
        String marker = "urn:test:cond|" + unique();
        String body = conditionWithSubject("{\"reference\": \"Patient?identifier=urn:test:mrn|" + mrn + "\"}")
                .replaceFirst("\\{", "{\"identifier\": [{\"system\": \"urn:test:cond\", \"value\": \""
                        + marker.substring("urn:test:cond|".length()) + "\"}], ");

        given().contentType(FHIR_JSON).body(body).when().post("/fhir/Condition").then().statusCode(400)
                .body("resourceType", org.hamcrest.Matchers.equalTo("OperationOutcome"))
                .body("issue[0].diagnostics", org.hamcrest.Matchers.containsString("matches no resource"));

        patient("Twin" + unique().replace("-", ""), "One", "female", "1990-01-01", mrn);
        patient("Twin" + unique().replace("-", ""), "Two", "female", "1990-01-01", mrn);
        given().contentType(FHIR_JSON).body(body).when().post("/fhir/Condition").then().statusCode(412)
                .body("issue[0].diagnostics", org.hamcrest.Matchers.containsString("more than one"));

        given().contentType(FHIR_JSON).body(conditionWithSubject(
                        "{\"reference\": \"Nonsense?identifier=urn:test:mrn|" + mrn + "\"}"))
                .when().post("/fhir/Condition").then().statusCode(400);
        assertThat(matchIds(search("Condition?identifier=" + marker))).isEmpty();
    }
}
