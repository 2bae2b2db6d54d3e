package health.ductcare.search;

import static health.ductcare.search.SearchSupport.FHIR_JSON;
import static health.ductcare.search.SearchSupport.create;
import static health.ductcare.search.SearchSupport.patient;
import static health.ductcare.search.SearchSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Patient/[id]/$everything: her whole record, and only hers, in pages a client can follow. */
@QuarkusTest
class PatientEverythingTest {

    @TestHTTPResource("/fhir")
    URL fhirBase;

    private String mother;
    private String other;
    private String condition;
    private String carePlan;
    private String medication;
    private String medicationRequest;
    private String observation;
    private String othersCondition;

    @BeforeEach
    void twoMothers() {
        mother = patient("Every" + unique().replace("-", ""), "Eva", "female", "1991-03-04", "MRN-" + unique());
        other = patient("Other" + unique().replace("-", ""), "Ida", "female", "1988-01-02", "MRN-" + unique());
        condition = blockedDuct(mother);
        carePlan = "careplan-" + condition;
        medication = create("Medication", """
                {"resourceType": "Medication", "code": {"coding": [{"system": "http://www.whocc.no/atc",
                 "code": "J01DB01", "display": "cefalexin"}]}}""");
        medicationRequest = create("MedicationRequest", """
                {"resourceType": "MedicationRequest", "status": "active", "intent": "order",
                 "medicationReference": {"reference": "Medication/%s"},
                 "subject": {"reference": "Patient/%s"}, "authoredOn": "%s"}"""
                .formatted(medication, mother, Instant.now()));
        observation = create("Observation", """
                {"resourceType": "Observation", "status": "final",
                 "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
                 "subject": {"reference": "Patient/%s"},
                 "valueQuantity": {"value": 37.1, "unit": "Cel", "system": "http://unitsofmeasure.org", "code": "Cel"}}"""
                .formatted(mother));
        othersCondition = blockedDuct(other);
    }

    private static String blockedDuct(String patientId) {
        return create("Condition", """
                {"resourceType": "Condition",
                 "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
                 "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "O92.79"}],
                          "text": "Blocked milk duct, left breast"},
                 "subject": {"reference": "Patient/%s"}, "recordedDate": "%s"}""".formatted(patientId, Instant.now()));
    }

    private static Response everything(String patientId, String query) {
        return given().accept(FHIR_JSON).get("/fhir/Patient/" + patientId + "/$everything" + query);
    }

    private static List<String> entries(Response response, String mode) {
        return response.then().statusCode(200).extract().jsonPath()
                .getList("entry.findAll { it.search.mode == '" + mode + "' }.resource.collect { it.resourceType + '/' + it.id }");
    }

    @Test
    void answersHerRecordAndWhatItRefersToButNothingOfAnotherPatient() {
        Response response = everything(mother, "");
        assertThat((String) response.path("type")).isEqualTo("searchset");
        List<String> matches = entries(response, "match");
        assertThat(matches.get(0)).isEqualTo("Patient/" + mother);
        assertThat(matches).containsExactlyInAnyOrder("Patient/" + mother, "Condition/" + condition,
                "CarePlan/" + carePlan, "MedicationRequest/" + medicationRequest, "Observation/" + observation);
        assertThat((Integer) response.path("total")).isEqualTo(5);
        assertThat(entries(response, "include")).containsExactly("Medication/" + medication);
        assertThat(response.asString()).doesNotContain(other).doesNotContain(othersCondition)
                .doesNotContain("\"AuditEvent\"");
    }

    @Test
    void typeAndSinceNarrowIt() {
        assertThat(entries(everything(mother, "?_type=Condition,CarePlan"), "match"))
                .containsExactlyInAnyOrder("Condition/" + condition, "CarePlan/" + carePlan);
        String later = Instant.now().toString();
        String note = create("Observation", """
                {"resourceType": "Observation", "status": "final",
                 "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
                 "subject": {"reference": "Patient/%s"}}""".formatted(mother));
        assertThat(entries(everything(mother, "?_since=" + later), "match"))
                .containsExactly("Observation/" + note);
    }

    @Test
    void pagesCarryTheirPositionAndTheParameters() {
        List<String> all = entries(everything(mother, "?_count=100"), "match");
        List<String> paged = new ArrayList<>();
        Response page = everything(mother, "?_count=2&_type=Patient,Condition,CarePlan,MedicationRequest,Observation");
        int pages = 0;
        while (true) {
            pages++;
            paged.addAll(entries(page, "match"));
            assertThat((Integer) page.path("total")).isEqualTo(5);
            String next = page.path("link.find { it.relation == 'next' }.url");
            if (next == null) {
                break;
            }
            assertThat(next).contains("_count=2").contains("_type=");
            page = given().accept(FHIR_JSON).urlEncodingEnabled(false).get(next);
        }
        assertThat(pages).isEqualTo(3);
        assertThat(paged).containsExactlyElementsOf(all);
    }

    @Test
    void aPatientStoredAfterHerResourcesStillPagesThroughAllOfThem() {
        String late = "late-" + unique();
        String first = blockedDuct(late);
        String second = create("Observation", """
                {"resourceType": "Observation", "status": "final",
                 "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
                 "subject": {"reference": "Patient/%s"}}""".formatted(late));
        given().contentType(FHIR_JSON).body("{\"resourceType\": \"Patient\", \"id\": \"" + late + "\"}")
                .put("/fhir/Patient/" + late).then().statusCode(201);
        List<String> paged = new ArrayList<>();
        Response page = everything(late, "?_count=1");
        while (page != null) {
            paged.addAll(entries(page, "match"));
            String next = page.path("link.find { it.relation == 'next' }.url");
            page = next == null ? null : given().accept(FHIR_JSON).urlEncodingEnabled(false).get(next);
        }
        assertThat(paged).containsExactly("Patient/" + late, "Condition/" + first, "CarePlan/careplan-" + first,
                "Observation/" + second);
    }

    @Test
    void aDeletedResourceIsNotPartOfItAndADeletedOrUnknownPatientHasNone() {
        given().delete("/fhir/Observation/" + observation).then().statusCode(org.hamcrest.Matchers.oneOf(200, 204));
        assertThat(entries(everything(mother, ""), "match")).doesNotContain("Observation/" + observation);
        assertThat(everything("no-such-" + unique(), "").statusCode()).isEqualTo(404);
        String gone = patient("Gone", "G", "female", "1990-01-01", "MRN-" + unique());
        given().delete("/fhir/Patient/" + gone).then().statusCode(org.hamcrest.Matchers.oneOf(200, 204));
        assertThat(everything(gone, "").statusCode()).isEqualTo(410);
    }

    @Test
    void takesItsParametersByPostAndRefusesOthers() {
        Response posted = given().accept(FHIR_JSON).contentType(FHIR_JSON).body("""
                {"resourceType": "Parameters", "parameter": [{"name": "_type", "valueString": "Observation"}]}""")
                .post("/fhir/Patient/" + mother + "/$everything");
        assertThat(entries(posted, "match")).containsExactly("Observation/" + observation);
        for (String body : List.of("{\"resourceType\": \"Parameters\", \"parameter\": [{\"valueString\": \"x\"}]}",
                "{\"resourceType\": \"Parameters\", \"parameter\": [{\"name\": \"_type\"}]}",
                "{\"resourceType\": \"Patient\"}")) {
            Response refused = given().accept(FHIR_JSON).contentType(FHIR_JSON).body(body)
                    .post("/fhir/Patient/" + mother + "/$everything");
            assertThat(refused.statusCode()).as(body).isEqualTo(400);
            assertThat((String) refused.path("resourceType")).isEqualTo("OperationOutcome");
        }
        Response unknown = everything(mother, "?start=2025-01-01");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat((String) unknown.path("issue[0].diagnostics")).contains("'start'");
        assertThat(everything(mother, "?_type=Nope").statusCode()).isEqualTo(400);
        assertThat(everything(mother, "?_since=yesterday").statusCode()).isEqualTo(400);
        assertThat(everything(mother, "?_cursor=garbage").statusCode()).isEqualTo(400);
    }

    @Test
    void isDeclaredAndAHapiGenericClientCallsIt() {
        given().accept(FHIR_JSON).get("/fhir/metadata").then().statusCode(200).body(
                "rest[0].resource.find { it.type == 'Patient' }.operation.name",
                org.hamcrest.Matchers.hasItem("everything"));
        FhirContext context = FhirContext.forR4Cached();
        context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        IGenericClient client = context.newRestfulGenericClient(fhirBase.toString());
        Bundle bundle = client.operation().onInstance(new IdType("Patient", mother)).named("$everything")
                .withNoParameters(Parameters.class).useHttpGet().returnResourceType(Bundle.class).execute();
        assertThat(bundle.getTotal()).isEqualTo(5);
        assertThat(bundle.getEntry()).extracting(e -> e.getResource().fhirType())
                .contains("Patient", "Condition", "CarePlan", "MedicationRequest", "Observation", "Medication");
    }
}
