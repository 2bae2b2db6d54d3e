package health.ductcare.security;

import static health.ductcare.security.SecurityFixtures.FHIR_JSON;
import static health.ductcare.security.SecurityFixtures.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every interaction leaves an AuditEvent: who, what, the outcome; never a body or a name. */
@QuarkusTest
@TestProfile(SecurityTestProfile.class)
class AuditEventTest {

    @Inject
    AuditTrail auditTrail;

    /** The newest AuditEvents (type history is newest first), read with the admin scope. */
    private List<Map<String, Object>> recentAuditEvents() throws InterruptedException {
        assertThat(auditTrail.awaitIdle(10_000)).isTrue();
        String body = as(Tokens.system("system/AuditEvent.rs")).get("/fhir/AuditEvent/_history?_count=300")
                .then().statusCode(200).extract().asString();
        return JsonPath.from(body).getList("entry.resource");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> find(List<Map<String, Object>> events, String what, String subtype) {
        return events.stream()
                .filter(e -> {
                    List<Map<String, Object>> entities = (List<Map<String, Object>>) e.get("entity");
                    List<Map<String, Object>> subtypes = (List<Map<String, Object>>) e.get("subtype");
                    return entities != null && entities.stream()
                            .anyMatch(x -> x.get("what") != null && names(what, (String) ((Map<String, Object>) x.get("what")).get("reference")))
                            && subtypes != null && subtype.equals(subtypes.get(0).get("code"));
                })
                .findFirst().orElseThrow(() -> new AssertionError("No AuditEvent for " + subtype + " " + what));
    }

    /** {@code Patient/1} names {@code Patient/1} and any of its versions, {@code Patient/1/_history/n}. */
    private static boolean names(String what, String reference) {
        return what.equals(reference) || reference != null && reference.startsWith(what + "/_history/");
    }

    /** The AuditEvents of one request, told by the X-Request-ID every one of them records. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> ofRequest(List<Map<String, Object>> events, String requestId) {
        return events.stream().filter(e -> ((List<Map<String, Object>>) e.get("entity")).stream()
                .flatMap(entity -> ((List<Map<String, Object>>) entity.getOrDefault("detail", List.of())).stream())
                .anyMatch(detail -> requestId.equals(detail.get("valueString"))))
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> dataEntity(Map<String, Object> event) {
        return ((List<Map<String, Object>>) event.get("entity")).stream()
                .filter(entity -> "2".equals(((Map<String, Object>) entity.get("type")).get("code")))
                .findFirst().orElseThrow(() -> new AssertionError("No data entity in " + event));
    }

    @SuppressWarnings("unchecked")
    private static String whatOf(Map<String, Object> event) {
        Map<String, Object> what = (Map<String, Object>) dataEntity(event).get("what");
        return what == null ? null : (String) what.get("reference");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> subtypesOf(Map<String, Object> event) {
        return ((List<Map<String, Object>>) event.get("subtype")).stream().map(c -> c.get("code")).toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void readIsAuditedWithSubjectClientAndOutcome() throws Exception {
        String family = "Auditname" + UUID.randomUUID().toString().substring(0, 8);
        String id = SecurityFixtures.patient(family);
        as(Tokens.user("user/Patient.rs")).get("/fhir/Patient/" + id).then().statusCode(200);

        List<Map<String, Object>> events = recentAuditEvents();
        Map<String, Object> read = find(events, "Patient/" + id, "read");
        assertThat(read.get("action")).isEqualTo("R");
        assertThat(read.get("outcome")).isEqualTo("0");
        assertThat(read.get("recorded")).isNotNull();
        List<Map<String, Object>> agents = (List<Map<String, Object>>) read.get("agent");
        assertThat(agents).extracting(a -> ((Map<String, Object>) ((Map<String, Object>) a.get("who")).get("identifier")).get("value"))
                .containsExactly("clinician-1", "test-portal");
        assertThat(((Map<String, Object>) read.get("source")).get("observer")).isNotNull();
        Map<String, Object> create = find(events, "Patient/" + id, "create");
        assertThat(create.get("action")).isEqualTo("C");
        // Ids and codes only: the name stored in the Patient never reaches the trail.
        String trail = as(Tokens.system("system/AuditEvent.rs")).get("/fhir/AuditEvent/_history?_count=300").asString();
        assertThat(trail).doesNotContain(family);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSystemTokenIsAuditedAsTheRequestingApplicationNotAsAPerson() throws Exception {
        String id = SecurityFixtures.patient("Machinewritten");

        Map<String, Object> create = find(recentAuditEvents(), "Patient/" + id, "create");
        List<Map<String, Object>> agents = (List<Map<String, Object>>) create.get("agent");
        assertThat(agents).hasSize(1);
        Map<String, Object> application = agents.get(0);
        assertThat(application.get("requestor")).isEqualTo(true);
        List<Map<String, Object>> types = (List<Map<String, Object>>) ((Map<String, Object>) application.get("type"))
                .get("coding");
        assertThat(types).extracting(c -> c.get("code")).containsExactly("110150");
        assertThat(((Map<String, Object>) ((Map<String, Object>) application.get("who")).get("identifier")).get("value"))
                .isEqualTo("test-portal");
        assertThat(application.get("altId")).isEqualTo("backend-service");
        assertThat(create.toString()).doesNotContain("humanuser");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTransactionIsAuditedOncePerEntryNamingTheVersionEachEntryWrote() throws Exception {
        String requestId = "tx-" + UUID.randomUUID();
        String transaction = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                 {"fullUrl":"urn:uuid:8f2b7c1e-0000-4000-8000-000000000001","resource":%s,
                  "request":{"method":"POST","url":"Patient"}},
                 {"resource":%s,"request":{"method":"POST","url":"Condition"}}]}"""
                .formatted(SecurityFixtures.patientJson(null, "Transacted"),
                        SecurityFixtures.conditionJson(null, "urn:uuid:8f2b7c1e-0000-4000-8000-000000000001", "x")
                                .replace("Patient/urn:uuid:", "urn:uuid:"));
        List<String> locations = SecurityFixtures.admin().contentType(FHIR_JSON).header("X-Request-ID", requestId)
                .body(transaction).post("/fhir").then().statusCode(200).extract().path("entry.response.location");

        List<Map<String, Object>> events = ofRequest(recentAuditEvents(), requestId);
        assertThat(events).extracting(AuditEventTest::whatOf).containsExactlyInAnyOrderElementsOf(locations);
        assertThat(locations).allMatch(location -> location.matches("(Patient|Condition)/[^/]+/_history/1"));
        for (Map<String, Object> event : events) {
            assertThat(subtypesOf(event)).containsExactly("create", "transaction");
            assertThat(event.get("action")).isEqualTo("C");
            assertThat(event.get("outcome")).isEqualTo("0");
            Map<String, Object> role = (Map<String, Object>) dataEntity(event).get("role");
            assertThat(role.get("system")).isEqualTo("http://terminology.hl7.org/CodeSystem/object-role");
            assertThat(role.get("code")).isEqualTo("4");
        }
        // References only: what the resources say stays out of the trail.
        assertThat(events.toString()).doesNotContain("Transacted");
    }

    @Test
    void aBatchIsAuditedOncePerEntryWithEachEntrysOwnOutcome() throws Exception {
        String requestId = "batch-" + UUID.randomUUID();
        String batch = """
                {"resourceType":"Bundle","type":"batch","entry":[
                 {"resource":%s,"request":{"method":"POST","url":"Patient"}},
                 {"request":{"method":"GET","url":"Patient/no-such-patient"}}]}"""
                .formatted(SecurityFixtures.patientJson(null, "Batched"));
        String created = SecurityFixtures.admin().contentType(FHIR_JSON).header("X-Request-ID", requestId)
                .body(batch).post("/fhir").then().statusCode(200).extract().path("entry[0].response.location");

        List<Map<String, Object>> events = ofRequest(recentAuditEvents(), requestId);
        assertThat(events).hasSize(2);
        Map<String, Object> create = events.stream().filter(e -> created.equals(whatOf(e))).findFirst().orElseThrow();
        assertThat(subtypesOf(create)).containsExactly("create", "batch");
        assertThat(create.get("outcome")).isEqualTo("0");
        Map<String, Object> read = events.stream().filter(e -> "Patient/no-such-patient".equals(whatOf(e)))
                .findFirst().orElseThrow();
        assertThat(subtypesOf(read)).containsExactly("read", "batch");
        assertThat(read.get("action")).isEqualTo("R");
        assertThat(read.get("outcome")).isEqualTo("4");
        assertThat(read.get("outcomeDesc")).isEqualTo("HTTP 404");
    }

    @Test
    void aBatchHistoryEntryIsAuditedAsTheHistoryInteraction() throws Exception {
        String patient = SecurityFixtures.patient("Historied");
        String requestId = "batch-history-" + UUID.randomUUID();
        String batch = """
                {"resourceType":"Bundle","type":"batch","entry":[
                 {"request":{"method":"GET","url":"Patient/%s/_history"}},
                 {"request":{"method":"GET","url":"Patient/_history?_count=1"}},
                 {"request":{"method":"GET","url":"Patient/no-such-patient/_history"}}]}""".formatted(patient);
        SecurityFixtures.admin().contentType(FHIR_JSON).header("X-Request-ID", requestId).body(batch).post("/fhir")
                .then().statusCode(200);

        List<Map<String, Object>> events = ofRequest(recentAuditEvents(), requestId);
        assertThat(events).hasSize(3);
        Map<String, Object> instance = events.stream().filter(e -> ("Patient/" + patient).equals(whatOf(e)))
                .findFirst().orElseThrow();
        assertThat(subtypesOf(instance)).containsExactly("history-instance", "batch");
        assertThat(instance.get("action")).isEqualTo("R");
        assertThat(instance.get("outcome")).isEqualTo("0");
        Map<String, Object> type = events.stream().filter(e -> "Patient".equals(whatOf(e))).findFirst().orElseThrow();
        assertThat(subtypesOf(type)).containsExactly("history-type", "batch");
        assertThat(type.get("action")).isEqualTo("E");
        Map<String, Object> missing = events.stream().filter(e -> "Patient/no-such-patient".equals(whatOf(e)))
                .findFirst().orElseThrow();
        assertThat(subtypesOf(missing)).containsExactly("history-instance", "batch");
        assertThat(missing.get("outcomeDesc")).isEqualTo("HTTP 404");
    }

    @Test
    void refusalsAreAuditedAsFailures() throws Exception {
        String id = SecurityFixtures.patient("Refused");
        as(Tokens.user("user/Condition.rs")).get("/fhir/Patient/" + id).then().statusCode(403);
        given().get("/fhir/Patient/" + id).then().statusCode(401);
        List<Map<String, Object>> events = recentAuditEvents();
        assertThat(events.stream().filter(e -> e.get("outcomeDesc") != null
                && List.of("HTTP 401", "HTTP 403").contains(e.get("outcomeDesc")))
                .filter(e -> e.toString().contains("Patient/" + id)).count()).isEqualTo(2);
        assertThat(find(events, "Patient/" + id, "read").get("outcome")).isIn("4", "0");
    }

    @Test
    void patientSearchesRecordThePatientWhoseDataWasSearched() throws Exception {
        String patient = SecurityFixtures.patient("Searcher");
        as(Tokens.patient(patient, "patient/*.rs")).get("/fhir/Condition").then().statusCode(200);
        Map<String, Object> search = find(recentAuditEvents(), "Patient/" + patient, "search-type");
        assertThat(search.get("action")).isEqualTo("E");
        assertThat(search.toString()).contains("Condition").contains("patient-user-" + patient);
    }

    @Test
    void deletesAndUpdatesAreAudited() throws Exception {
        String id = SecurityFixtures.patient("Changing");
        SecurityFixtures.admin().contentType(FHIR_JSON).body(SecurityFixtures.patientJson(id, "Changed"))
                .put("/fhir/Patient/" + id).then().statusCode(200);
        SecurityFixtures.admin().delete("/fhir/Patient/" + id).then().statusCode(200);
        List<Map<String, Object>> events = recentAuditEvents();
        assertThat(find(events, "Patient/" + id, "update").get("action")).isEqualTo("U");
        assertThat(find(events, "Patient/" + id, "delete").get("action")).isEqualTo("D");
    }
}
