package health.ductcare.bundle;

import static health.ductcare.bundle.BundleJson.FHIR_JSON;
import static health.ductcare.bundle.BundleJson.FHIR_XML;
import static health.ductcare.bundle.BundleJson.bundle;
import static health.ductcare.bundle.BundleJson.condition;
import static health.ductcare.bundle.BundleJson.conditionWithoutSubject;
import static health.ductcare.bundle.BundleJson.createPatient;
import static health.ductcare.bundle.BundleJson.entry;
import static health.ductcare.bundle.BundleJson.historyTotal;
import static health.ductcare.bundle.BundleJson.patient;
import static health.ductcare.bundle.BundleJson.postBundle;
import static health.ductcare.bundle.BundleJson.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import health.ductcare.fhir.FhirValidation;
import health.ductcare.rest.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.xml.XmlPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The transaction interaction: all or nothing, references rewritten, R4 processing order. */
@QuarkusTest
class TransactionTest {

    @Inject
    FhirValidation validation;

    @BeforeEach
    void validatorIsWarm() throws InterruptedException {
        BundleJson.awaitWarm(validation);
    }

    private static final String ID_PATTERN = "[A-Za-z0-9\\-.]{1,64}";

    @Test
    void hospitalFeedIsStoredInOneRequestWithReferencesRewrittenToAssignedIds() {
        String mrn = unique("MRN");
        Response response = postBundle(Fixtures.load("bundle/hospital-feed-transaction.json").replace("{{MRN}}", mrn));
        response.then().statusCode(200)
                .contentType(containsString(FHIR_JSON))
                .body("resourceType", equalTo("Bundle"))
                .body("type", equalTo("transaction-response"))
                .body("entry.size()", equalTo(3))
                .body("entry.response.status", equalTo(List.of("201 Created", "201 Created", "201 Created")))
                .body("entry[0].response.location", matchesPattern("Patient/" + ID_PATTERN + "/_history/1"))
                .body("entry[1].response.location", matchesPattern("Condition/" + ID_PATTERN + "/_history/1"))
                .body("entry[2].response.location", matchesPattern("MedicationRequest/" + ID_PATTERN + "/_history/1"))
                .body("entry[0].response.etag", equalTo("W/\"1\""))
                .body("entry[0].resource.resourceType", equalTo("Patient"));
        String patientId = idFromLocation(response.path("entry[0].response.location"));
        String conditionId = idFromLocation(response.path("entry[1].response.location"));
        String medicationRequestId = idFromLocation(response.path("entry[2].response.location"));
        assertThat(patientId).doesNotStartWith("urn");

        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + patientId)
                .then().statusCode(200).body("identifier[0].value", equalTo(mrn));
        given().accept(FHIR_JSON).when().get("/fhir/Condition/" + conditionId)
                .then().statusCode(200)
                .body("subject.reference", equalTo("Patient/" + patientId));
        given().accept(FHIR_JSON).when().get("/fhir/MedicationRequest/" + medicationRequestId)
                .then().statusCode(200)
                .body("subject.reference", equalTo("Patient/" + patientId))
                .body("reasonReference[0].reference", equalTo("Condition/" + conditionId));
        given().accept(FHIR_JSON).queryParam("_id", conditionId).when().get("/fhir/Condition")
                .then().statusCode(200)
                .body("total", equalTo(1))
                .body("entry[0].resource.subject.reference", equalTo("Patient/" + patientId));
        given().accept(FHIR_JSON).queryParam("_id", medicationRequestId).when().get("/fhir/MedicationRequest")
                .then().statusCode(200).body("total", equalTo(1));
    }

    @Test
    void hospitalFeedInXmlIsAnsweredInXml() {
        String body = Fixtures.load("bundle/hospital-feed-transaction.xml").replace("{{MRN}}", unique("MRN"));
        Response response = given().contentType(FHIR_XML).accept(FHIR_XML).body(body).when().post("/fhir");
        response.then().statusCode(200).contentType(containsString(FHIR_XML));
        XmlPath xml = new XmlPath(response.asString());
        assertThat(xml.getString("Bundle.type.@value")).isEqualTo("transaction-response");
        String patientLocation = xml.getString("Bundle.entry[0].response.location.@value");
        String medicationLocation = xml.getString("Bundle.entry[2].response.location.@value");
        assertThat(patientLocation).matches("Patient/" + ID_PATTERN + "/_history/1");
        given().accept(FHIR_JSON).when().get("/fhir/MedicationRequest/" + idFromLocation(medicationLocation))
                .then().statusCode(200)
                .body("subject.reference", equalTo("Patient/" + idFromLocation(patientLocation)));
    }

    @Test
    void staleIfMatchInOneEntryLeavesNoTraceOfTheOthers() {
        String existing = createPatient(unique("MRN"));
        given().contentType(FHIR_JSON).body(patient(existing, unique("MRN"), "Secondversion"))
                .when().put("/fhir/Patient/" + existing).then().statusCode(200);
        String newPatientId = java.util.UUID.randomUUID().toString();
        int conditionsBefore = historyTotal("Condition");

        Response response = postBundle(bundle("transaction",
                entry("urn:uuid:" + newPatientId, patient(newPatientId, unique("MRN"), "Newmother"), "PUT",
                        "Patient/" + newPatientId),
                entry("urn:uuid:" + java.util.UUID.randomUUID(), condition("urn:uuid:" + newPatientId), "POST", "Condition"),
                entry(null, patient(existing, unique("MRN"), "Thirdversion"),
                        "{\"method\":\"PUT\",\"url\":\"Patient/" + existing + "\",\"ifMatch\":\"W/\\\"1\\\"\"}")));

        response.then().statusCode(412)
                .body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].diagnostics", containsString("Entry 2 (PUT Patient/" + existing + ")"))
                .body("issue[0].expression[0]", equalTo("Bundle.entry[2]"));
        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + newPatientId).then().statusCode(404);
        assertThat(historyTotal("Condition")).isEqualTo(conditionsBefore);
        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + existing)
                .then().statusCode(200).body("meta.versionId", equalTo("2"))
                .body("name[0].family", equalTo("Secondversion"));
    }

    @Test
    void conditionalReferenceThatMatchesNothingFailsTheWholeTransaction() {
        String newPatientId = unique("tx-cond");
        int conditionsBefore = historyTotal("Condition");
        int patientsBefore = historyTotal("Patient");

        postBundle(bundle("transaction",
                entry(null, patient(newPatientId, unique("MRN"), "Nomatch"), "PUT", "Patient/" + newPatientId),
                entry(null, condition("Patient?_id=" + unique("nobody")), "POST", "Condition")))
                .then().statusCode(400)
                .body("issue[0].diagnostics", containsString("Entry 1 (POST Condition)"))
                .body("issue[0].diagnostics", containsString("matches no resource"));

        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + newPatientId).then().statusCode(404);
        assertThat(historyTotal("Condition")).isEqualTo(conditionsBefore);
        assertThat(historyTotal("Patient")).isEqualTo(patientsBefore);
    }

    @Test
    void invalidEntryIsA422AndNothingIsStored() {
        String newPatientId = unique("tx-invalid");
        int conditionsBefore = historyTotal("Condition");
        postBundle(bundle("transaction",
                entry(null, patient(newPatientId, unique("MRN"), "Invalid"), "PUT", "Patient/" + newPatientId),
                entry(null, conditionWithoutSubject(), "POST", "Condition")))
                .then().statusCode(422)
                .body("resourceType", equalTo("OperationOutcome"))
                .body("issue.expression.flatten()", hasItem(containsString("Bundle.entry[1]")));
        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + newPatientId).then().statusCode(404);
        assertThat(historyTotal("Condition")).isEqualTo(conditionsBefore);
    }

    @Test
    void conditionalReferenceResolvesToTheOneMatch() {
        String patientId = createPatient(unique("MRN"));
        Response response = postBundle(bundle("transaction",
                entry(null, condition("Patient?_id=" + patientId), "POST", "Condition")));
        response.then().statusCode(200)
                .body("entry[0].response.status", equalTo("201 Created"))
                .body("entry[0].resource.subject.reference", equalTo("Patient/" + patientId));
    }

    @Test
    void processingOrderIsDeleteThenPostThenPutThenGet() {
        String updated = createPatient(unique("MRN"));
        String deleted = createPatient(unique("MRN"));
        // Listed in the reverse of the order R4 processes them in.
        Response response = postBundle(bundle("transaction",
                entry(null, null, "GET", "Patient/" + updated),
                entry(null, patient(updated, unique("MRN"), "Updatedmother"), "PUT", "Patient/" + updated),
                entry(null, patient(unique("MRN")),
                        "{\"method\":\"POST\",\"url\":\"Patient\",\"ifNoneExist\":\"_id=" + deleted + "\"}"),
                entry(null, null, "DELETE", "Patient/" + deleted)));

        response.then().statusCode(200)
                .body("entry.response.status", equalTo(List.of("200 OK", "200 OK", "201 Created", "204 No Content")))
                // The GET ran last, so it sees the update of the PUT listed after it.
                .body("entry[0].resource.name[0].family", equalTo("Updatedmother"))
                .body("entry[0].response.etag", equalTo("W/\"2\""))
                // The conditional create ran after the DELETE, so its criteria no longer matched.
                .body("entry[2].response.location", matchesPattern("Patient/" + ID_PATTERN + "/_history/1"))
                .body("entry[3].resource", nullValue());
        assertThat(idFromLocation(response.path("entry[2].response.location"))).isNotEqualTo(deleted);
        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + deleted).then().statusCode(410);
    }

    @Test
    void historyEntriesRunLastAndSeeTheTransactionsOwnWrites() {
        String id = createPatient(unique("MRN"));
        Response response = postBundle(bundle("transaction",
                entry(null, null, "GET", "Patient/" + id + "/_history"),
                entry(null, patient(id, unique("MRN"), "Historymother"), "PUT", "Patient/" + id),
                entry(null, null, "GET", "Patient/_history?_count=1")));

        response.then().statusCode(200)
                .body("type", equalTo("transaction-response"))
                .body("entry.response.status", equalTo(List.of("200 OK", "200 OK", "200 OK")))
                .body("entry[0].resource.type", equalTo("history"))
                .body("entry[0].resource.total", equalTo(2))
                .body("entry[0].resource.entry[0].resource.name[0].family", equalTo("Historymother"))
                .body("entry[0].resource.entry.response.status", equalTo(List.of("200 OK", "201 Created")))
                .body("entry[2].resource.entry[0].resource.id", equalTo(id));
        // A history that cannot be answered fails the transaction like any other entry.
        postBundle(bundle("transaction",
                entry(null, patient(unique("MRN")), "POST", "Patient"),
                entry(null, null, "GET", "Patient/" + unique("missing") + "/_history")))
                .then().statusCode(404)
                .body("issue[0].diagnostics", containsString("Entry 1 (GET Patient/missing-"));
    }

    @Test
    void getEntriesAreShapedAsTheDirectGetIsAndAMalformedOneFailsTheTransaction() {
        String id = createPatient(unique("MRN"));
        List<String> urls = List.of("Patient/" + id + "?_elements=name", "Patient/" + id + "/_history/2?_summary=true",
                "Patient/" + id + "/_history?_summary=data", "Patient?_id=" + id + "&_summary=text",
                "Patient?_id=" + id + "&_elements=gender&_format=xml", "Patient?_id=" + id + "&_summary=count");
        List<String> entries = new java.util.ArrayList<>(
                urls.stream().map(url -> entry(null, null, "GET", url)).toList());
        entries.add(entry(null, patient(id, unique("MRN"), "Shapedmother"), "PUT", "Patient/" + id));
        Response response = postBundle(bundle("transaction", entries.toArray(String[]::new)));

        response.then().statusCode(200)
                .body("entry.response.status", equalTo(List.of("200 OK", "200 OK", "200 OK", "200 OK", "200 OK",
                        "200 OK", "200 OK")))
                // The GETs ran after the PUT and answer with the subsets of what it wrote.
                .body("entry[0].resource.name[0].family", equalTo("Shapedmother"))
                .body("entry[0].resource.gender", nullValue())
                .body("entry[0].resource.meta.tag.code", hasItem("SUBSETTED"))
                .body("entry[3].resource.entry[0].resource.meta.tag.code", hasItem("SUBSETTED"));
        for (int i = 0; i < urls.size(); i++) {
            Object direct = given().accept(FHIR_JSON).urlEncodingEnabled(false).when()
                    .get("/fhir/" + urls.get(i).replace("&_format=xml", "")).then().statusCode(200).extract().path("$");
            assertThat((Object) response.path("entry[" + i + "].resource")).as(urls.get(i)).isEqualTo(direct);
        }

        // A malformed _summary fails the whole transaction with the direct GET's 400, and nothing is stored.
        int versions = historyTotal("Patient");
        String diagnostics = given().accept(FHIR_JSON).when().get("/fhir/Patient/" + id + "?_summary=banana")
                .then().statusCode(400).extract().path("issue[0].diagnostics");
        postBundle(bundle("transaction",
                entry(null, patient(unique("MRN")), "POST", "Patient"),
                entry(null, null, "GET", "Patient/" + id + "?_summary=banana")))
                .then().statusCode(400)
                .body("issue[0].diagnostics", containsString("Entry 1 (GET Patient/" + id + ")"))
                .body("issue[0].diagnostics", containsString(diagnostics));
        assertThat(historyTotal("Patient")).isEqualTo(versions);
    }

    @Test
    void vreadOfAVersionIdThatIsNoVersionFailsTheTransactionWithTheDirectVreads404() {
        String id = createPatient(unique("MRN"));
        int versions = historyTotal("Patient");
        postBundle(bundle("transaction",
                entry(null, patient(unique("MRN")), "POST", "Patient"),
                entry(null, null, "GET", "Patient/" + id + "/_history/abc")))
                .then().statusCode(404)
                .body("issue[0].code", equalTo("not-found"))
                .body("issue[0].diagnostics", containsString("Entry 1 (GET Patient/" + id + "/_history/abc)"))
                .body("issue[0].diagnostics", containsString("Version 'abc' of Patient/" + id + " does not exist"));
        assertThat(historyTotal("Patient")).isEqualTo(versions);
    }

    @Test
    void conditionalCreateThatMatchesReturnsTheExistingResourceAndIsReferenced() {
        String existing = createPatient(unique("MRN"));
        String fullUrl = "urn:uuid:" + java.util.UUID.randomUUID();
        Response response = postBundle(bundle("transaction",
                entry(fullUrl, patient(unique("MRN")),
                        "{\"method\":\"POST\",\"url\":\"Patient\",\"ifNoneExist\":\"_id=" + existing + "\"}"),
                entry(null, condition(fullUrl), "POST", "Condition")));
        response.then().statusCode(200)
                .body("entry[0].response.status", equalTo("200 OK"))
                .body("entry[0].response.location", equalTo("Patient/" + existing + "/_history/1"))
                .body("entry[1].resource.subject.reference", equalTo("Patient/" + existing));
    }

    @Test
    void twoEntriesWritingTheSameResourceAreRejected() {
        String patientId = createPatient(unique("MRN"));
        postBundle(bundle("transaction",
                entry(null, patient(patientId, unique("MRN"), "Twice"), "PUT", "Patient/" + patientId),
                entry(null, null, "DELETE", "Patient/" + patientId)))
                .then().statusCode(400)
                .body("issue[0].diagnostics", containsString("Patient/" + patientId));
        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + patientId)
                .then().statusCode(200).body("meta.versionId", equalTo("1"));
    }

    @Test
    void unresolvableUrnReferenceIsRejected() {
        postBundle(bundle("transaction",
                entry(null, condition("urn:uuid:0e8a3c1e-0000-4000-8000-000000000000"), "POST", "Condition")))
                .then().statusCode(400)
                .body("issue[0].diagnostics", containsString("Entry 0 (POST Condition)"));
    }

    @Test
    void patchEntriesApplyInsideTheTransaction() {
        String patientId = createPatient(unique("MRN"));
        String fhirPathPatch = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":["
                + "{\"name\":\"type\",\"valueCode\":\"replace\"},{\"name\":\"path\",\"valueString\":\"Patient.birthDate\"},"
                + "{\"name\":\"value\",\"valueDate\":\"1988-01-02\"}]}]}";
        String jsonPatch = java.util.Base64.getEncoder().encodeToString(
                "[{\"op\":\"replace\",\"path\":\"/name/0/family\",\"value\":\"Patchedmother\"}]".getBytes());
        Response response = postBundle(bundle("transaction",
                entry(null, fhirPathPatch, "PATCH", "Patient/" + patientId),
                entry(null, null, "GET", "Patient/" + patientId)));
        response.then().statusCode(200)
                .body("entry[0].response.status", equalTo("200 OK"))
                .body("entry[0].response.location", equalTo("Patient/" + patientId + "/_history/2"))
                .body("entry[1].resource.birthDate", equalTo("1988-01-02"));
        postBundle(bundle("transaction", entry(null,
                "{\"resourceType\":\"Binary\",\"contentType\":\"application/json-patch+json\",\"data\":\"" + jsonPatch + "\"}",
                "PATCH", "Patient/" + patientId)))
                .then().statusCode(200)
                .body("entry[0].resource.name[0].family", equalTo("Patchedmother"))
                .body("entry[0].resource.meta.versionId", equalTo("3"));
        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + patientId + "/_history")
                .then().statusCode(200).body("entry[0].request.method", equalTo("PATCH"));
    }

    @Test
    void preferMinimalAndOperationOutcomeShapeTheEntries() {
        given().contentType(FHIR_JSON).header("Prefer", "return=minimal")
                .body(bundle("transaction", entry(null, patient(unique("MRN")), "POST", "Patient")))
                .when().post("/fhir")
                .then().statusCode(200)
                .body("entry[0].resource", nullValue())
                .body("entry[0].response.status", equalTo("201 Created"));
        given().contentType(FHIR_JSON).header("Prefer", "return=OperationOutcome")
                .body(bundle("transaction", entry(null, patient(unique("MRN")), "POST", "Patient")))
                .when().post("/fhir")
                .then().statusCode(200)
                .body("entry[0].resource", nullValue())
                .body("entry[0].response.outcome.resourceType", equalTo("OperationOutcome"));
    }

    @Test
    void malformedBundlesAre400sNamingTheEntry() {
        postBundle("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}")
                .then().statusCode(400).body("issue[0].diagnostics", containsString("transaction or batch"));
        postBundle(bundle("transaction",
                entry(null, patient(unique("MRN")), "POST", "Patient"),
                "{\"resource\":" + patient(unique("MRN")) + "}"))
                .then().statusCode(400).body("issue[0].diagnostics", containsString("Entry 1"));
        postBundle(bundle("transaction", entry(null, patient(unique("MRN")), "POST", "Observation")))
                .then().statusCode(400).body("issue[0].diagnostics", containsString("Entry 0"));
        given().contentType(FHIR_JSON).body(patient(unique("MRN"))).when().post("/fhir")
                .then().statusCode(400).body("resourceType", equalTo("OperationOutcome"));
    }

    @Test
    void tooManyEntriesIsA413() {
        String[] entries = new String[1001];
        java.util.Arrays.fill(entries, entry(null, null, "GET", "Patient/none"));
        postBundle(bundle("batch", entries))
                .then().statusCode(413).body("issue[0].diagnostics", containsString("at most 1000"));
    }

    @Test
    void hapiGenericClientSendsATransaction() {
        FhirContext context = FhirContext.forR4Cached();
        context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        IGenericClient client = context.newRestfulGenericClient("http://localhost:" + RestAssured.port + "/fhir");
        Patient patient = new Patient();
        patient.addIdentifier().setSystem("urn:ductcare:test:mrn").setValue(unique("MRN"));
        patient.addName().setFamily("Clientmother");
        Condition condition = new Condition();
        condition.getCode().setText("Blocked milk duct");
        condition.setSubject(new Reference("urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a"));
        Bundle request = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        request.addEntry().setFullUrl("urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a").setResource(patient)
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        request.addEntry().setResource(condition).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Condition");

        Bundle response = client.transaction().withBundle(request).execute();

        assertThat(response.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
        String patientLocation = response.getEntry().get(0).getResponse().getLocation();
        Condition stored = client.read().resource(Condition.class)
                .withId(idFromLocation(response.getEntry().get(1).getResponse().getLocation())).execute();
        assertThat(stored.getSubject().getReference()).isEqualTo("Patient/" + idFromLocation(patientLocation));
    }

    @Test
    void conditionalUpdateAndDeleteResolveTheirTargetsAndReferencesFollow() {
        String existing = createPatient(unique("MRN"));
        String toDelete = createPatient(unique("MRN"));
        String matchedUrl = "urn:uuid:" + java.util.UUID.randomUUID();
        String createdUrl = "urn:uuid:" + java.util.UUID.randomUUID();
        Response response = postBundle(bundle("transaction",
                entry(matchedUrl, patient(null, unique("MRN"), "Conditionallyupdated"), "PUT", "Patient?_id=" + existing),
                entry(createdUrl, patient(null, unique("MRN"), "Conditionallycreated"), "PUT",
                        "Patient?_id=" + unique("nobody")),
                entry(null, condition(matchedUrl), "POST", "Condition"),
                entry(null, condition(createdUrl), "POST", "Condition"),
                entry(null, null, "DELETE", "Patient?_id=" + toDelete)));
        response.then().statusCode(200)
                .body("entry.response.status", equalTo(List.of("200 OK", "201 Created", "201 Created", "201 Created",
                        "204 No Content")))
                .body("entry[0].response.location", equalTo("Patient/" + existing + "/_history/2"))
                .body("entry[2].resource.subject.reference", equalTo("Patient/" + existing));
        String createdId = idFromLocation(response.path("entry[1].response.location"));
        assertThat((String) response.path("entry[3].resource.subject.reference")).isEqualTo("Patient/" + createdId);
        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + createdId)
                .then().statusCode(200).body("name[0].family", equalTo("Conditionallycreated"));
        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + toDelete).then().statusCode(410);
    }

    @Test
    void oidFullUrlsAreRewrittenToo() {
        String oid = "urn:oid:1.2.36.146.595.217.0.1." + (System.nanoTime() % 1_000_000_000L);
        Response response = postBundle(bundle("transaction",
                entry(null, condition(oid), "POST", "Condition"),
                entry(oid, patient(unique("MRN")), "POST", "Patient")));
        response.then().statusCode(200);
        String patientId = idFromLocation(response.path("entry[1].response.location"));
        assertThat((String) response.path("entry[0].resource.subject.reference")).isEqualTo("Patient/" + patientId);
    }

    @Test
    void capabilityStatementAdvertisesTransactionBatchAndPatch() {
        given().accept(FHIR_JSON).when().get("/fhir/metadata")
                .then().statusCode(200)
                .body("rest[0].interaction.code", hasItem("transaction"))
                .body("rest[0].interaction.code", hasItem("batch"))
                .body("rest[0].resource.find { it.type == 'Patient' }.interaction.code", hasItem("patch"));
    }

    static String idFromLocation(String location) {
        return location.split("/")[1];
    }
}
