package health.ductcare.operation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import health.ductcare.rest.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.List;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** Resource/$validate: the validator's findings, 200 whether or not the resource is valid, nothing stored. */
@QuarkusTest
class ValidateOperationTest {

    private static final String FHIR_JSON = "application/fhir+json";
    private static final String CONDITION = Fixtures.load("condition-blocked-duct.json").replace("\"id\": \"blocked-duct\",", "");
    private static final String WITHOUT_SUBJECT = CONDITION.replace("\"subject\": {\"reference\": \"Patient/p1\"},", "");

    private static Response validate(String path, String body) {
        return given().contentType(FHIR_JSON).body(body).when().post("/fhir/" + path);
    }

    private static int conditionCount() {
        return given().get("/fhir/Condition?_summary=count").then().statusCode(200).extract().path("total");
    }

    private static List<String> severities(Response response) {
        return response.then().extract().path("issue.severity");
    }

    @Test
    void aValidResourceHasNoErrorsAndNothingIsStored() {
        int before = conditionCount();
        Response response = validate("Condition/$validate", CONDITION);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.<String>path("resourceType")).isEqualTo("OperationOutcome");
        assertThat(severities(response)).doesNotContain("error", "fatal");
        assertThat(conditionCount()).isEqualTo(before);
    }

    @Test
    void anInvalidResourceIsAnsweredWith200AndItsErrorsAtTheirPaths() {
        int before = conditionCount();
        Response missingSubject = validate("Condition/$validate", WITHOUT_SUBJECT);
        assertThat(missingSubject.statusCode()).isEqualTo(200);
        assertThat(severities(missingSubject)).contains("error");
        assertThat(missingSubject.asString()).contains("Condition.subject");
        Response unknownElement = validate("Condition/$validate", CONDITION.replace("\"code\": {", "\"colour\": \"red\", \"code\": {"));
        assertThat(unknownElement.statusCode()).isEqualTo(200);
        assertThat(severities(unknownElement)).contains("error");
        assertThat(unknownElement.asString()).contains("colour");
        assertThat(conditionCount()).isEqualTo(before);
        // The same resource as a create: 422 with the same error.
        given().contentType(FHIR_JSON).body(WITHOUT_SUBJECT).post("/fhir/Condition").then().statusCode(422)
                .body(containsString("Condition.subject"));
    }

    @Test
    void parametersCarryTheResourceTheModeAndTheProfile() {
        String parameters = """
                {"resourceType": "Parameters", "parameter": [
                  {"name": "resource", "resource": %s},
                  {"name": "mode", "valueCode": "create"},
                  {"name": "profile", "valueCanonical": "http://hl7.org/fhir/StructureDefinition/Condition|4.0.1"}]}"""
                .formatted(WITHOUT_SUBJECT);
        Response response = validate("Condition/$validate", parameters);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(severities(response)).contains("error");
        assertThat(response.asString()).contains("subject");
        validate("Condition/$validate", parameters.replace("Condition|4.0.1", "Observation"))
                .then().statusCode(400).body("issue[0].diagnostics", containsString("profile"));
        validate("Condition/$validate?profile=http://example.org/StructureDefinition/my-condition", CONDITION)
                .then().statusCode(400).body("resourceType", equalTo("OperationOutcome"));
    }

    @Test
    void modesAreCheckedAgainstTheUrl() {
        validate("Observation/$validate", CONDITION).then().statusCode(400)
                .body("issue[0].diagnostics", containsString("Condition"));
        validate("Condition/$validate?mode=update", CONDITION).then().statusCode(400);
        validate("Condition/$validate?mode=delete", CONDITION).then().statusCode(400);
        validate("Condition/$validate?mode=replace", CONDITION).then().statusCode(400)
                .body("issue[0].diagnostics", containsString("mode"));
        validate("Condition/some-id/$validate?mode=create", CONDITION).then().statusCode(400);
        validate("Condition/$validate", "").then().statusCode(400)
                .body("issue[0].diagnostics", containsString("resource"));
        validate("Condition/$validate", "{\"resourceType\": \"Condition\", ").then().statusCode(400);
    }

    @Test
    void updateAndDeleteModesSayWhetherTheWriteWouldBeAccepted() {
        String id = given().contentType(FHIR_JSON).body(CONDITION).post("/fhir/Condition").then().statusCode(201)
                .extract().path("id");
        Response update = validate("Condition/" + id + "/$validate?mode=update",
                CONDITION.replaceFirst("\\{", "{\"id\": \"" + id + "\","));
        assertThat(update.statusCode()).as(update.asString()).isEqualTo(200);
        assertThat(severities(update)).doesNotContain("error");
        validate("Condition/" + id + "/$validate?mode=update", CONDITION.replaceFirst("\\{", "{\"id\": \"other\","))
                .then().statusCode(400).body("issue[0].diagnostics", containsString("does not match"));
        given().post("/fhir/Condition/" + id + "/$validate?mode=delete").then().statusCode(200)
                .body("issue.severity", hasItem("information")).body("issue.diagnostics", hasItem(containsString("can be deleted")));
        given().post("/fhir/Condition/no-such-condition/$validate?mode=delete").then().statusCode(404);
        // Nothing was written or deleted.
        given().get("/fhir/Condition/" + id).then().statusCode(200).body("meta.versionId", equalTo("1"));
    }

    @Test
    void writesTheServerRefusesAreErrorsOfTheOutcome() {
        String planDefinition = given().get("/fhir/PlanDefinition?_count=1").then().statusCode(200)
                .extract().path("entry[0].resource.id");
        Response delete = given().post("/fhir/PlanDefinition/" + planDefinition + "/$validate?mode=delete");
        assertThat(delete.statusCode()).isEqualTo(200);
        assertThat(severities(delete)).containsExactly("error");
        assertThat(delete.<String>path("issue[0].diagnostics")).contains("read-only");
    }

    @Test
    void theCapabilityStatementDeclaresItAndAHapiClientCallsIt() {
        IGenericClient client = FhirContext.forR4Cached().newRestfulGenericClient(RestAssured.baseURI + ":"
                + RestAssured.port + "/fhir");
        CapabilityStatement statement = client.capabilities().ofType(CapabilityStatement.class).execute();
        assertThat(statement.getRestFirstRep().getResource().stream()
                .filter(resource -> resource.getType().equals("Condition")).findFirst().orElseThrow()
                .getOperation()).anyMatch(operation -> operation.getName().equals("validate")
                        && operation.getDefinition().equals(ValidateOperation.DEFINITION));
        Condition condition = new Condition();
        condition.getCode().setText("Blocked milk duct");
        MethodOutcome invalid = client.validate().resource(condition).execute();
        assertThat(((OperationOutcome) invalid.getOperationOutcome()).getIssue())
                .anyMatch(issue -> issue.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
        condition.setSubject(new Reference("Patient/p1"));
        MethodOutcome valid = client.validate().resource(condition).execute();
        assertThat(((OperationOutcome) valid.getOperationOutcome()).getIssue())
                .noneMatch(issue -> issue.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
    }
}
