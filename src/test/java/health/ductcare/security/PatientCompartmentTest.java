package health.ductcare.security;

import static health.ductcare.security.SecurityFixtures.FHIR_JSON;
import static health.ductcare.security.SecurityFixtures.admin;
import static health.ductcare.security.SecurityFixtures.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The matrix: a patient/ token for patient A never receives a byte of patient B's data, whatever the route,
 * and cannot change B's data. B's resources carry a unique marker; no answer to A may contain it, nor B's ids.
 */
@QuarkusTest
@TestProfile(SecurityTestProfile.class)
class PatientCompartmentTest {

    private static final String SCOPE = "patient/*.cruds";

    private String patientA;
    private String patientB;
    private String conditionA;
    private String conditionB;
    private String observationB;
    private String markerB;
    private String tokenA;

    @BeforeEach
    void twoPatients() {
        markerB = "B-secret-" + UUID.randomUUID();
        patientA = SecurityFixtures.patient("Alpha");
        patientB = SecurityFixtures.patient(markerB);
        conditionA = SecurityFixtures.create("Condition", SecurityFixtures.conditionJson(null, patientA, "note of A"));
        conditionB = SecurityFixtures.create("Condition", SecurityFixtures.conditionJson(null, patientB, markerB));
        observationB = SecurityFixtures.create("Observation", SecurityFixtures.observationJson(null, patientB, markerB));
        // A second version, so B's history has more than one entry.
        admin().contentType(FHIR_JSON).body(SecurityFixtures.conditionJson(conditionB, patientB, markerB + " v2"))
                .put("/fhir/Condition/" + conditionB).then().statusCode(200);
        tokenA = Tokens.patient(patientA, SCOPE);
    }

    private void assertNothingOfB(Response response) {
        assertNothingOfB(response, new String[0]);
    }

    /** As above, once the ids the client itself put in its request (and which are echoed back) are blanked. */
    private void assertNothingOfB(Response response, String... idsTheClientSent) {
        String body = response.asString();
        for (String sent : idsTheClientSent) {
            body = body.replace(sent, "ID-SENT-BY-CLIENT");
        }
        assertThat(body).doesNotContain(markerB).doesNotContain(patientB).doesNotContain(conditionB)
                .doesNotContain(observationB);
    }

    /**
     * A 404 exactly like the one for an id that never existed: the same body once the id the client itself
     * sent is blanked out, so nothing tells that B's resource exists.
     */
    private void assertNotFound(String path, String requestedId) {
        Response response = as(tokenA).get(path);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(404);
        assertThat(response.<String>path("resourceType")).isEqualTo("OperationOutcome");
        String absentId = UUID.randomUUID().toString();
        Response absent = as(tokenA).get(path.replace(requestedId, absentId));
        assertThat(absent.statusCode()).isEqualTo(404);
        assertThat(response.asString().replace(requestedId, "ID")).isEqualTo(absent.asString().replace(absentId, "ID"));
        assertThat(response.asString()).doesNotContain(markerB);
        assertThat(response.headers().hasHeaderWithName("ETag")).isFalse();
        assertThat(response.headers().hasHeaderWithName("Last-Modified")).isFalse();
    }

    @Test
    void everythingOfAnotherPatientLooksAbsentAndHerOwnHoldsNothingOfB() {
        assertNotFound("/fhir/Patient/" + patientB + "/$everything", patientB);
        Response own = as(tokenA).get("/fhir/Patient/" + patientA + "/$everything");
        assertThat(own.statusCode()).as(own.asString()).isEqualTo(200);
        assertThat((List<String>) own.path("entry.resource.id")).contains(patientA, conditionA);
        assertNothingOfB(own);
        Response conditionsOnly = as(Tokens.patient(patientA, "patient/Condition.rs"))
                .get("/fhir/Patient/" + patientA + "/$everything");
        assertThat(conditionsOnly.statusCode()).as("reading the patient needs a Patient scope").isEqualTo(403);
    }

    @Test
    void aChainSeesOnlyWhatASearchOfTheChainedTypeWould() {
        // A's own Observation points at B: a chain through it must not tell A what B's record says.
        String focusOnB = SecurityFixtures.create("Observation", """
                {"resourceType": "Observation", "status": "final",
                 "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
                 "subject": {"reference": "Patient/%s"}, "focus": [{"reference": "Patient/%s"}]}"""
                .formatted(patientA, patientB));
        Response probe = as(tokenA).get("/fhir/Observation?focus:Patient.name=" + markerB);
        assertThat(probe.statusCode()).as(probe.asString()).isEqualTo(200);
        assertThat((Integer) probe.path("total")).isZero();
        Response control = admin().get("/fhir/Observation?focus:Patient.name=" + markerB);
        assertThat((List<String>) control.path("entry.resource.id")).containsExactly(focusOnB);

        Response reverse = as(tokenA).get("/fhir/Patient?_has:Condition:subject:_id=" + conditionB);
        assertThat(reverse.statusCode()).isEqualTo(200);
        assertNothingOfB(reverse, conditionB);

        Response withoutPatientScope = as(Tokens.user("user/Condition.rs"))
                .get("/fhir/Condition?subject:Patient.name=Alpha");
        assertThat(withoutPatientScope.statusCode()).as(withoutPatientScope.asString()).isEqualTo(403);
    }

    @Test
    void conditionalWritesMatchOnlyInsideTheCompartment() {
        // If-None-Exist naming B's resources: no match is visible, so nothing of B comes back.
        Response conditionalCreate = as(tokenA).contentType(FHIR_JSON).header("If-None-Exist", "_id=" + conditionB)
                .body(SecurityFixtures.conditionJson(null, patientA, "new note of A")).post("/fhir/Condition");
        assertThat(conditionalCreate.statusCode()).as(conditionalCreate.asString()).isEqualTo(201);
        assertNothingOfB(conditionalCreate, conditionB);
        Response patientByName = as(tokenA).contentType(FHIR_JSON).header("If-None-Exist", "name=" + markerB)
                .body(SecurityFixtures.patientJson(null, markerB)).post("/fhir/Patient");
        assertThat(patientByName.statusCode()).as("a new Patient is outside A's compartment").isEqualTo(403);
        assertNothingOfB(patientByName, markerB);

        String transaction = """
                {"resourceType":"Bundle","type":"transaction","entry":[{"resource":%s,
                 "request":{"method":"POST","url":"Condition","ifNoneExist":"_id=%s"}}]}"""
                .formatted(SecurityFixtures.conditionJson(null, patientA, "note of A"), conditionB);
        Response inTransaction = as(tokenA).contentType(FHIR_JSON).body(transaction).post("/fhir");
        assertThat(inTransaction.statusCode()).as(inTransaction.asString()).isEqualTo(200);
        assertNothingOfB(inTransaction, conditionB);

        // Conditional update and delete do not see B's Condition either: nothing of B is changed or named.
        Response update = as(tokenA).contentType(FHIR_JSON)
                .body(SecurityFixtures.conditionJson(null, patientA, "A via criteria"))
                .put("/fhir/Condition?_id=" + conditionB);
        assertNothingOfB(update, conditionB);
        Response delete = as(tokenA).delete("/fhir/Condition?_id=" + conditionB);
        assertThat(delete.statusCode()).as(delete.asString()).isEqualTo(404);
        admin().get("/fhir/Condition/" + conditionB).then().statusCode(200).body("meta.versionId",
                org.hamcrest.Matchers.equalTo("2"));
    }

    @Test
    void systemHistoryPagesHoldWhatTheTokenMayReadNotAuditEventsDroppedAfterPaging() {
        // Every request of this class adds AuditEvents, which a user/*.cruds token may not read.
        Response page = as(Tokens.user("user/*.cruds")).get("/fhir/_history?_count=5");
        assertThat(page.statusCode()).isEqualTo(200);
        List<String> types = page.jsonPath().getList("entry.fullUrl", String.class).stream()
                .map(url -> url.replaceFirst(".*/fhir/", "").split("/")[0]).toList();
        assertThat(types).hasSize(5).doesNotContain("AuditEvent");
    }

    @Test
    void conditionalCreateNeedsTheSearchScope() {
        Response createOnly = as(Tokens.user("user/Patient.c")).contentType(FHIR_JSON)
                .header("If-None-Exist", "name=" + markerB).body(SecurityFixtures.patientJson(null, "Gamma"))
                .post("/fhir/Patient");
        assertThat(createOnly.statusCode()).as(createOnly.asString()).isEqualTo(403);
        assertNothingOfB(createOnly, markerB);
    }

    @Test
    void readsOwnDataAndNotAnothersWhichLooksAbsent() {
        Response own = as(tokenA).get("/fhir/Condition/" + conditionA);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(as(tokenA).get("/fhir/Patient/" + patientA).statusCode()).isEqualTo(200);

        assertNotFound("/fhir/Condition/" + conditionB, conditionB);
        assertNotFound("/fhir/Observation/" + observationB, observationB);
        assertNotFound("/fhir/Patient/" + patientB, patientB);
        assertThat(as(tokenA).accept("application/fhir+xml").get("/fhir/Condition/" + conditionB).statusCode())
                .isEqualTo(404);
    }

    @Test
    void conditionalReadHeadersDoNotRevealAnothersResource() {
        Response response = as(tokenA).header("If-None-Match", "W/\"2\"").get("/fhir/Condition/" + conditionB);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.header("ETag")).isNull();
        assertThat(response.asString()).doesNotContain(markerB);
    }

    @Test
    void vreadOfAnothersVersionsIsNotFound() {
        assertThat(as(tokenA).get("/fhir/Condition/" + conditionA + "/_history/1").statusCode()).isEqualTo(200);
        assertNotFound("/fhir/Condition/" + conditionB + "/_history/1", conditionB);
        assertNotFound("/fhir/Condition/" + conditionB + "/_history/2", conditionB);
    }

    @Test
    void searchReturnsOnlyTheOwnCompartment() {
        for (String type : List.of("Condition", "Observation", "Patient")) {
            Response response = as(tokenA).get("/fhir/" + type + "?_count=1000");
            assertThat(response.statusCode()).isEqualTo(200);
            assertNothingOfB(response);
        }
        Response conditions = as(tokenA).get("/fhir/Condition?_count=1000");
        assertThat(conditions.<List<String>>path("entry.resource.id")).contains(conditionA);
        assertThat(conditions.<List<String>>path("entry.resource.subject.reference"))
                .containsOnly("Patient/" + patientA);
        Response patients = as(tokenA).get("/fhir/Patient?_count=1000");
        assertThat(patients.<List<String>>path("entry.resource.id")).containsExactly(patientA);
        // Asking for B's resource by id finds nothing either (GET and POST search).
        assertNothingOfB(as(tokenA).get("/fhir/Condition?_id=" + conditionB), conditionB);
        assertNothingOfB(as(tokenA).contentType("application/x-www-form-urlencoded").formParam("_id", conditionB)
                .post("/fhir/Condition/_search"), conditionB);
        assertNothingOfB(as(tokenA).accept("application/fhir+xml").get("/fhir/Condition?_count=1000"));
    }

    @Test
    void historyShowsOnlyTheOwnCompartment() {
        assertNotFound("/fhir/Condition/" + conditionB + "/_history", conditionB);
        Response own = as(tokenA).get("/fhir/Condition/" + conditionA + "/_history");
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.<List<String>>path("entry.resource.id")).containsOnly(conditionA);
        for (String path : List.of("/fhir/Condition/_history?_count=1000", "/fhir/Observation/_history?_count=1000",
                "/fhir/Patient/_history?_count=1000", "/fhir/_history?_count=1000")) {
            Response response = as(tokenA).get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertNothingOfB(response);
        }
    }

    @Test
    void batchHistoryEntriesAreConfinedAsTheDirectHistoryIs() {
        String batch = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Condition/" + conditionA + "/_history\"}},"
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Condition/" + conditionB + "/_history\"}},"
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Condition/_history?_count=1000\"}},"
                + "{\"request\":{\"method\":\"GET\",\"url\":\"_history?_count=1000\"}}]}";
        Response response = as(tokenA).contentType(FHIR_JSON).body(batch).post("/fhir");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.<List<String>>path("entry.response.status"))
                .containsExactly("200 OK", "404 Not Found", "200 OK", "200 OK");
        assertThat(response.<List<String>>path("entry[0].resource.entry.resource.id")).containsOnly(conditionA);
        assertThat(response.<List<String>>path("entry[2].resource.entry.resource.id")).contains(conditionA);
        assertNothingOfB(response, conditionB);
        // B's history is not found, in the very words of the direct GET
        String direct = as(tokenA).get("/fhir/Condition/" + conditionB + "/_history").path("issue[0].diagnostics");
        assertThat(response.<String>path("entry[1].response.outcome.issue[0].diagnostics")).isEqualTo(direct);
        // and a scope without search refuses a type history entry, as it refuses the direct one
        String readOnly = Tokens.patient(patientA, "patient/Condition.r");
        Response refused = as(readOnly).contentType(FHIR_JSON).body(batch).post("/fhir");
        assertThat(refused.<List<String>>path("entry.response.status"))
                .containsExactly("200 OK", "404 Not Found", "403 Forbidden", "403 Forbidden");
        assertThat(as(readOnly).get("/fhir/Condition/_history").statusCode()).isEqualTo(403);
    }

    @Test
    void historyKeepsDeletedVersionsOfAnotherPatientHidden() {
        String deletedB = SecurityFixtures.create("Condition", SecurityFixtures.conditionJson(null, patientB, markerB));
        admin().delete("/fhir/Condition/" + deletedB).then().statusCode(200);
        Response response = as(tokenA).get("/fhir/Condition/_history?_count=1000");
        assertThat(response.asString()).doesNotContain(deletedB);
        assertNothingOfB(response);
    }

    @Test
    void writesInTheOwnCompartmentAreAllowed() {
        Response created = as(tokenA).contentType(FHIR_JSON)
                .body(SecurityFixtures.conditionJson(null, patientA, "new for A")).post("/fhir/Condition");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        String id = created.path("id");
        assertThat(as(tokenA).contentType(FHIR_JSON).body(SecurityFixtures.conditionJson(id, patientA, "changed"))
                .put("/fhir/Condition/" + id).statusCode()).isEqualTo(200);
        assertThat(as(tokenA).delete("/fhir/Condition/" + id).statusCode()).isEqualTo(200);
    }

    @Test
    void writesThatPointAtAnotherPatientAreForbiddenAndChangeNothing() {
        assertForbidden(as(tokenA).contentType(FHIR_JSON)
                .body(SecurityFixtures.conditionJson(null, patientB, "planted")).post("/fhir/Condition"));
        // Take over B's resource by re-pointing it at A.
        assertForbidden(as(tokenA).contentType(FHIR_JSON)
                .body(SecurityFixtures.conditionJson(conditionB, patientA, "hijacked")).put("/fhir/Condition/" + conditionB));
        // Move A's own resource to B.
        assertForbidden(as(tokenA).contentType(FHIR_JSON)
                .body(SecurityFixtures.conditionJson(conditionA, patientB, "moved")).put("/fhir/Condition/" + conditionA));
        assertForbidden(as(tokenA).delete("/fhir/Condition/" + conditionB));
        assertForbidden(as(tokenA).contentType(FHIR_JSON)
                .body(SecurityFixtures.patientJson(patientB, "Renamed")).put("/fhir/Patient/" + patientB));
        // A resource that names no patient at all, and data that is not any patient's.
        assertForbidden(as(tokenA).contentType(FHIR_JSON)
                .body(SecurityFixtures.observationJson(null, null, "orphan")).post("/fhir/Observation"));
        assertForbidden(as(tokenA).contentType(FHIR_JSON)
                .body("{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"X\"}]}").post("/fhir/Practitioner"));

        Response b = admin().get("/fhir/Condition/" + conditionB);
        assertThat(b.<String>path("meta.versionId")).isEqualTo("2");
        assertThat(b.<String>path("subject.reference")).isEqualTo("Patient/" + patientB);
        assertThat(admin().get("/fhir/Condition/" + conditionA).<String>path("subject.reference"))
                .isEqualTo("Patient/" + patientA);
        assertThat(admin().get("/fhir/Patient/" + patientB).<String>path("name[0].family")).isEqualTo(markerB);
    }

    @Test
    void anotherServersPatientOfTheSameIdIsNotTheTokensPatient() {
        String foreignSubject = "http://other.example/fhir/Patient/" + patientA;
        String foreign = SecurityFixtures.conditionJson(null, patientA, "of another server's patient")
                .replace("\"Patient/" + patientA + "\"", "\"" + foreignSubject + "\"");
        String stored = SecurityFixtures.create("Condition", foreign);
        assertNotFound("/fhir/Condition/" + stored, stored);
        assertForbidden(as(tokenA).contentType(FHIR_JSON).body(foreign).post("/fhir/Condition"));

        // Named by this server's own URL, she is the token's patient.
        String ownSubject = RestAssured.baseURI + ":" + RestAssured.port + "/fhir/Patient/" + patientA;
        Response own = as(tokenA).contentType(FHIR_JSON)
                .body(foreign.replace(foreignSubject, ownSubject)).post("/fhir/Condition");
        assertThat(own.statusCode()).as(own.asString()).isEqualTo(201);
        as(tokenA).get("/fhir/Condition/" + own.<String>path("id")).then().statusCode(200);
    }

    @Test
    void readOnlyPatientScopeCannotWriteEvenItsOwnData() {
        String readOnly = Tokens.patient(patientA, "patient/*.rs");
        assertForbidden(as(readOnly).contentType(FHIR_JSON)
                .body(SecurityFixtures.conditionJson(null, patientA, "x")).post("/fhir/Condition"));
        assertThat(as(readOnly).get("/fhir/Condition/" + conditionA).statusCode()).isEqualTo(200);
    }

    @Test
    void sharedReferenceDataIsReadableButNotAnotherPatientsData() {
        String practitioner = SecurityFixtures.create("Practitioner",
                "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"Midwife\"}]}");
        assertThat(as(tokenA).get("/fhir/Practitioner/" + practitioner).statusCode()).isEqualTo(200);
        Response onlyConditions = as(Tokens.patient(patientA, "patient/Condition.rs")).get("/fhir/Patient/" + patientA);
        assertThat(onlyConditions.statusCode()).isEqualTo(403);
    }

    @Test
    void operationsAreAuthorizedLikeReadsOfTheirTarget() {
        assertThat(as(tokenA).urlEncodingEnabled(false).get("/fhir/Condition/" + conditionA + "/$security-probe")
                .statusCode()).isEqualTo(200);
        assertThat(as(Tokens.patient(patientA, "patient/Observation.rs")).urlEncodingEnabled(false)
                .get("/fhir/Condition/" + conditionA + "/$security-probe").statusCode()).isEqualTo(403);
    }

    @Test
    void includeNeverPullsInAnotherPatientsResources() {
        Response response = as(tokenA).get("/fhir/Condition?_include=Condition:subject&_count=1000");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.<List<String>>path("entry.resource.id")).contains(patientA);
        assertNothingOfB(response);
        assertNothingOfB(as(tokenA).get("/fhir/Patient?_revinclude=Condition:subject&_count=1000"));
        assertNothingOfB(as(tokenA).get("/fhir/Patient?_id=" + patientA + "&_revinclude=*&_count=1000"));
    }

    @Test
    void transactionEntriesAreCheckedOneByOne() {
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + "{\"fullUrl\":\"urn:uuid:" + UUID.randomUUID() + "\",\"resource\":"
                + SecurityFixtures.conditionJson(null, patientA, "ok") + ",\"request\":{\"method\":\"POST\",\"url\":\"Condition\"}},"
                + "{\"fullUrl\":\"urn:uuid:" + UUID.randomUUID() + "\",\"resource\":"
                + SecurityFixtures.conditionJson(null, patientB, "planted") + ",\"request\":{\"method\":\"POST\",\"url\":\"Condition\"}}]}";
        Response transaction = as(tokenA).contentType(FHIR_JSON).body(bundle).post("/fhir");
        assertThat(transaction.statusCode()).isEqualTo(403);
        assertThat(admin().get("/fhir/Condition?_count=1000").asString()).doesNotContain("planted");

        String batch = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Condition/" + conditionB + "\"}},"
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Condition?_count=1000\"}},"
                + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/" + patientB + "/_history\"}}]}";
        Response batchResponse = as(tokenA).contentType(FHIR_JSON).body(batch).post("/fhir");
        assertThat(batchResponse.statusCode()).isEqualTo(200);
        assertNothingOfB(batchResponse, conditionB, patientB);
    }

    @Test
    void operationsNeverReadOrReturnAnotherPatientsData() {
        Response generate = as(tokenA).contentType(FHIR_JSON)
                .body("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"condition\",\"valueReference\":"
                        + "{\"reference\":\"Condition/" + conditionB + "\"}}]}")
                .post("/fhir/CarePlan/$generate");
        assertThat(generate.statusCode()).isIn(403, 404);
        assertNothingOfB(generate, conditionB);
        Response apply = as(tokenA).get("/fhir/PlanDefinition/blocked-duct-pt/$apply?subject=Patient/" + patientB);
        assertThat(apply.statusCode()).isIn(403, 404);
        assertNothingOfB(apply, patientB);
        // $validate: another patient's resource looks absent, a create for her is refused, A's own is validated.
        Response deleteB = as(tokenA).post("/fhir/Condition/" + conditionB + "/$validate?mode=delete");
        String absentId = UUID.randomUUID().toString();
        Response deleteAbsent = as(tokenA).post("/fhir/Condition/" + absentId + "/$validate?mode=delete");
        assertThat(deleteB.statusCode()).isEqualTo(404);
        assertThat(deleteB.asString().replace(conditionB, "ID")).isEqualTo(deleteAbsent.asString().replace(absentId, "ID"));
        assertForbidden(as(tokenA).contentType(FHIR_JSON).body(SecurityFixtures.conditionJson(null, patientB, "planted"))
                .post("/fhir/Condition/$validate?mode=create"));
        assertForbidden(as(tokenA).contentType(FHIR_JSON)
                .body(SecurityFixtures.conditionJson(conditionB, patientA, "hijacked"))
                .post("/fhir/Condition/" + conditionB + "/$validate?mode=update"));
        assertThat(as(tokenA).contentType(FHIR_JSON).body(SecurityFixtures.conditionJson(null, patientA, "mine"))
                .post("/fhir/Condition/$validate?mode=create").statusCode()).isEqualTo(200);
    }

    private void assertForbidden(Response response) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(403);
        assertThat(response.<String>path("resourceType")).isEqualTo("OperationOutcome");
        assertNothingOfB(response);
    }
}
