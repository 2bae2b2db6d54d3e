package health.ductcare.bundle;

import static health.ductcare.bundle.BundleJson.FHIR_JSON;
import static health.ductcare.bundle.BundleJson.FHIR_XML;
import static health.ductcare.bundle.BundleJson.createPatient;
import static health.ductcare.bundle.BundleJson.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import health.ductcare.fhir.FhirValidation;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The patch interaction: JSON Patch and FHIRPath Patch, versioned, validated, conditional on If-Match. */
@QuarkusTest
class PatchTest {

    @Inject
    FhirValidation validation;

    @BeforeEach
    void validatorIsWarm() throws InterruptedException {
        BundleJson.awaitWarm(validation);
    }

    private static final String JSON_PATCH = "application/json-patch+json";

    private static String operation(String type, String path, String... parts) {
        return "{\"name\":\"operation\",\"part\":[{\"name\":\"type\",\"valueCode\":\"" + type + "\"},"
                + "{\"name\":\"path\",\"valueString\":\"" + path + "\"}"
                + (parts.length == 0 ? "" : "," + String.join(",", parts)) + "]}";
    }

    private static String parameters(String... operations) {
        return "{\"resourceType\":\"Parameters\",\"parameter\":[" + String.join(",", operations) + "]}";
    }

    private static String createCondition(String patientId) {
        return given().contentType(FHIR_JSON).body(BundleJson.condition("Patient/" + patientId))
                .when().post("/fhir/Condition").then().statusCode(201).extract().path("id");
    }

    @Test
    void jsonPatchStoresANewVersionWithMethodPatch() {
        String id = createPatient(unique("MRN"));
        given().contentType(JSON_PATCH).accept(FHIR_JSON)
                .body("[{\"op\":\"test\",\"path\":\"/gender\",\"value\":\"female\"},"
                        + "{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"Patchedmother\"},"
                        + "{\"op\":\"add\",\"path\":\"/telecom\",\"value\":[{\"system\":\"phone\",\"value\":\"555-0100\"}]}]")
                .when().patch("/fhir/Patient/" + id)
                .then().statusCode(200)
                .header("ETag", equalTo("W/\"2\""))
                .header("Location", containsString("/fhir/Patient/" + id + "/_history/2"))
                .body("meta.versionId", equalTo("2"))
                .body("name[0].family", equalTo("Patchedmother"))
                .body("telecom[0].value", equalTo("555-0100"));
        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + id + "/_history")
                .then().statusCode(200)
                .body("entry.request.method", equalTo(List.of("PATCH", "POST")));
    }

    @Test
    void ifMatchIsHonoured() {
        String id = createPatient(unique("MRN"));
        String patch = "[{\"op\":\"replace\",\"path\":\"/birthDate\",\"value\":\"1985-05-05\"}]";
        given().contentType(JSON_PATCH).header("If-Match", "W/\"3\"").body(patch)
                .when().patch("/fhir/Patient/" + id)
                .then().statusCode(412).body("resourceType", equalTo("OperationOutcome"));
        given().contentType(JSON_PATCH).header("If-Match", "W/\"1\"").body(patch)
                .when().patch("/fhir/Patient/" + id)
                .then().statusCode(200).body("birthDate", equalTo("1985-05-05"));
        given().contentType(FHIR_JSON).header("If-Match", "W/\"1\"")
                .body(parameters(operation("delete", "Patient.birthDate")))
                .when().patch("/fhir/Patient/" + id)
                .then().statusCode(412);
    }

    @Test
    void aPatchThatMakesTheResourceInvalidIsA422AndChangesNothing() {
        String conditionId = createCondition(createPatient(unique("MRN")));
        given().contentType(JSON_PATCH).body("[{\"op\":\"remove\",\"path\":\"/subject\"}]")
                .when().patch("/fhir/Condition/" + conditionId)
                .then().statusCode(422).body("resourceType", equalTo("OperationOutcome"));
        given().contentType(FHIR_JSON).body(parameters(operation("delete", "Condition.subject")))
                .when().patch("/fhir/Condition/" + conditionId)
                .then().statusCode(422);
        given().contentType(JSON_PATCH).body("[{\"op\":\"add\",\"path\":\"/inventedElement\",\"value\":true}]")
                .when().patch("/fhir/Condition/" + conditionId)
                .then().statusCode(422);
        given().accept(FHIR_JSON).when().get("/fhir/Condition/" + conditionId)
                .then().statusCode(200).body("meta.versionId", equalTo("1"));
    }

    @Test
    void badPatchDocumentsAndMediaTypes() {
        String id = createPatient(unique("MRN"));
        given().contentType("text/plain").body("replace gender").when().patch("/fhir/Patient/" + id)
                .then().statusCode(415).body("resourceType", equalTo("OperationOutcome"));
        given().contentType(JSON_PATCH).body("{\"op\":\"replace\"}").when().patch("/fhir/Patient/" + id)
                .then().statusCode(400);
        given().contentType(JSON_PATCH).body("[{\"op\":\"frobnicate\",\"path\":\"/gender\"}]")
                .when().patch("/fhir/Patient/" + id).then().statusCode(400);
        given().contentType(JSON_PATCH).body("[{\"op\":\"test\",\"path\":\"/gender\",\"value\":\"male\"}]")
                .when().patch("/fhir/Patient/" + id).then().statusCode(422);
        given().contentType(JSON_PATCH).body("[{\"op\":\"replace\",\"path\":\"/id\",\"value\":\"other\"}]")
                .when().patch("/fhir/Patient/" + id).then().statusCode(400);
        given().contentType(FHIR_JSON).body(parameters(operation("explode", "Patient.gender")))
                .when().patch("/fhir/Patient/" + id)
                .then().statusCode(400).body("issue[0].diagnostics", containsString("unknown type"));
        given().contentType(FHIR_JSON).body(parameters(operation("replace", "Patient.name.given")))
                .when().patch("/fhir/Patient/" + id).then().statusCode(400);
        given().contentType(FHIR_JSON).body(parameters(operation("delete", "Patient.((")))
                .when().patch("/fhir/Patient/" + id).then().statusCode(400)
                .body("issue[0].diagnostics", containsString("cannot be evaluated"))
                .body("issue[0].diagnostics", org.hamcrest.Matchers.not(containsString("Exception")));
        given().contentType(FHIR_JSON).body(BundleJson.patient(unique("MRN")))
                .when().patch("/fhir/Patient/" + id).then().statusCode(400);
        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + id)
                .then().statusCode(200).body("meta.versionId", equalTo("1"));
    }

    @Test
    void missingAndDeletedResources() {
        String patch = "[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"male\"}]";
        given().contentType(JSON_PATCH).body(patch).when().patch("/fhir/Patient/" + unique("none"))
                .then().statusCode(404);
        String id = createPatient(unique("MRN"));
        given().when().delete("/fhir/Patient/" + id).then().statusCode(200);
        given().contentType(JSON_PATCH).body(patch).when().patch("/fhir/Patient/" + id)
                .then().statusCode(410);
    }

    @Test
    void fhirPathPatchOperations() {
        String id = createPatient(unique("MRN"));
        String patch = parameters(
                operation("replace", "Patient.birthDate", "{\"name\":\"value\",\"valueDate\":\"1989-09-09\"}"),
                operation("replace", "Patient.gender", "{\"name\":\"value\",\"valueCode\":\"other\"}"),
                operation("add", "Patient", "{\"name\":\"name\",\"valueString\":\"telecom\"}",
                        "{\"name\":\"value\",\"part\":[{\"name\":\"system\",\"valueCode\":\"email\"},"
                                + "{\"name\":\"value\",\"valueString\":\"mother@example.org\"}]}"),
                operation("insert", "Patient.identifier", "{\"name\":\"index\",\"valueInteger\":0}",
                        "{\"name\":\"value\",\"valueIdentifier\":{\"system\":\"urn:ductcare:test:other\",\"value\":\"X-1\"}}"),
                operation("add", "Patient", "{\"name\":\"name\",\"valueString\":\"deceased\"}",
                        "{\"name\":\"value\",\"valueBoolean\":false}"),
                operation("delete", "Patient.active"),
                operation("add", "Patient.name[0]", "{\"name\":\"name\",\"valueString\":\"given\"}",
                        "{\"name\":\"value\",\"valueString\":\"Maria\"}"),
                operation("move", "Patient.name[0].given", "{\"name\":\"source\",\"valueInteger\":1}",
                        "{\"name\":\"destination\",\"valueInteger\":0}"),
                operation("delete", "Patient.contact"));
        given().contentType(FHIR_JSON).accept(FHIR_JSON).body(patch).when().patch("/fhir/Patient/" + id)
                .then().statusCode(200)
                .body("meta.versionId", equalTo("2"))
                .body("birthDate", equalTo("1989-09-09"))
                .body("gender", equalTo("other"))
                .body("telecom[0].system", equalTo("email"))
                .body("telecom[0].value", equalTo("mother@example.org"))
                .body("identifier.value", hasItem("X-1"))
                .body("identifier[0].system", equalTo("urn:ductcare:test:other"))
                .body("deceasedBoolean", equalTo(false))
                .body("active", nullValue())
                .body("name[0].given", equalTo(List.of("Maria", "Anna")));
        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + id + "/_history")
                .then().body("entry[0].request.method", equalTo("PATCH"));
    }

    @Test
    void hapiGenericClientPatchesBothWays() {
        String id = createPatient(unique("MRN"));
        ca.uhn.fhir.context.FhirContext context = ca.uhn.fhir.context.FhirContext.forR4Cached();
        context.getRestfulClientFactory().setServerValidationMode(
                ca.uhn.fhir.rest.client.api.ServerValidationModeEnum.NEVER);
        ca.uhn.fhir.rest.client.api.IGenericClient client = context.newRestfulGenericClient(
                "http://localhost:" + io.restassured.RestAssured.port + "/fhir");

        client.patch().withBody("[{\"op\":\"replace\",\"path\":\"/gender\",\"value\":\"unknown\"}]")
                .withId("Patient/" + id).execute();
        org.hl7.fhir.r4.model.Parameters fhirPatch = new org.hl7.fhir.r4.model.Parameters();
        var operation = fhirPatch.addParameter().setName("operation");
        operation.addPart().setName("type").setValue(new org.hl7.fhir.r4.model.CodeType("replace"));
        operation.addPart().setName("path").setValue(new org.hl7.fhir.r4.model.StringType("Patient.birthDate"));
        operation.addPart().setName("value").setValue(new org.hl7.fhir.r4.model.DateType("2000-02-29"));
        client.patch().withFhirPatch(fhirPatch).withId("Patient/" + id).execute();

        org.hl7.fhir.r4.model.Patient patient = client.read().resource(org.hl7.fhir.r4.model.Patient.class)
                .withId(id).execute();
        org.assertj.core.api.Assertions.assertThat(patient.getGender().toCode()).isEqualTo("unknown");
        org.assertj.core.api.Assertions.assertThat(patient.getBirthDateElement().getValueAsString())
                .isEqualTo("2000-02-29");
        org.assertj.core.api.Assertions.assertThat(patient.getMeta().getVersionId()).isEqualTo("3");
    }

    @Test
    void fhirPathPatchInXml() {
        String id = createPatient(unique("MRN"));
        String patch = "<Parameters xmlns=\"http://hl7.org/fhir\"><parameter><name value=\"operation\"/>"
                + "<part><name value=\"type\"/><valueCode value=\"replace\"/></part>"
                + "<part><name value=\"path\"/><valueString value=\"Patient.name.where(family = 'Testmother').family\"/></part>"
                + "<part><name value=\"value\"/><valueString value=\"Xmlpatched\"/></part>"
                + "</parameter></Parameters>";
        given().contentType(FHIR_XML).accept(FHIR_XML).body(patch).when().patch("/fhir/Patient/" + id)
                .then().statusCode(200).contentType(containsString(FHIR_XML))
                .body(containsString("<family value=\"Xmlpatched\"/>"));
    }
}
