package health.ductcare.security;

import static health.ductcare.security.SecurityFixtures.FHIR_JSON;
import static health.ductcare.security.SecurityFixtures.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scope form against every interaction, with real signed tokens: an interaction the scope allows
 * succeeds, any other is a 403 OperationOutcome.
 */
@QuarkusTest
@TestProfile(SecurityTestProfile.class)
class ScopeTest {

    private static final List<String> INTERACTIONS = List.of("read", "vread", "history-instance", "search",
            "search-post", "history-type", "create", "update", "delete", "operation");
    private static final Set<String> READS = Set.of("read", "vread", "history-instance", "operation");
    private static final Set<String> SEARCHES = Set.of("search", "search-post", "history-type");
    private static final Set<String> ALL = Set.copyOf(INTERACTIONS);

    private String patientId;

    /** Scope, whether the token carries a patient claim, and the interactions on Patient it allows. */
    static Stream<Arguments> matrix() {
        Object[][] table = {
            {"user/Patient.r", READS},
            {"user/Patient.s", SEARCHES},
            {"user/Patient.rs", union(READS, SEARCHES)},
            {"user/Patient.c", Set.of("create")},
            {"user/Patient.u", Set.of("update")},
            {"user/Patient.d", Set.of("delete")},
            {"user/Patient.cruds", ALL},
            {"user/*.cruds", ALL},
            {"user/*.rs", union(READS, SEARCHES)},
            {"system/Patient.rs", union(READS, SEARCHES)},
            {"system/*.cud", Set.of("create", "update", "delete")},
            {"user/Patient.read", union(READS, SEARCHES)},
            {"user/Patient.write", Set.of("create", "update", "delete")},
            {"user/Patient.*", ALL},
            {"system/*.*", ALL},
            {"user/Condition.cruds", Set.of()},
            {"user/Patient.rs?gender=female", Set.of()},
            {"openid fhirUser launch/patient offline_access", Set.of()},
            {"user/Patient.sr", Set.of()},
        };
        List<Arguments> arguments = new ArrayList<>();
        for (Object[] row : table) {
            @SuppressWarnings("unchecked")
            Set<String> allowed = (Set<String>) row[1];
            for (String interaction : INTERACTIONS) {
                arguments.add(Arguments.of(row[0], interaction, allowed.contains(interaction)));
            }
        }
        return arguments.stream();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    @BeforeEach
    void createPatient() {
        patientId = SecurityFixtures.patient("Scopetest");
    }

    @ParameterizedTest(name = "{0} {1} allowed={2}")
    @MethodSource("matrix")
    void scopeDecidesInteraction(String scope, String interaction, boolean allowed) {
        Response response = perform(interaction, Tokens.user(scope));
        if (allowed) {
            assertThat(response.statusCode()).as(response.asString()).isBetween(200, 299);
        } else {
            assertThat(response.statusCode()).as(response.asString()).isEqualTo(403);
            assertThat(response.contentType()).contains(FHIR_JSON);
            assertThat(response.<String>path("resourceType")).isEqualTo("OperationOutcome");
            assertThat(response.<String>path("issue[0].code")).isEqualTo("forbidden");
        }
    }

    @Test
    void patientScopeWithoutPatientClaimIsRefused() {
        Response response = perform("read", Tokens.user("patient/*.rs"));
        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void auditTrailNeedsAScopeThatNamesIt() {
        assertThat(as(Tokens.user("user/*.cruds")).get("/fhir/AuditEvent").statusCode()).isEqualTo(403);
        assertThat(as(Tokens.system("system/*.*")).get("/fhir/AuditEvent").statusCode()).isEqualTo(403);
        assertThat(as(Tokens.patient(patientId, "patient/AuditEvent.rs")).get("/fhir/AuditEvent").statusCode())
                .isEqualTo(403);
        assertThat(as(Tokens.system("system/AuditEvent.rs")).get("/fhir/AuditEvent").statusCode()).isEqualTo(200);
        assertThat(as(Tokens.user("user/AuditEvent.read")).get("/fhir/AuditEvent").statusCode()).isEqualTo(200);
    }

    @Test
    void auditEventsCannotBeWrittenThroughTheApi() {
        String body = "{\"resourceType\":\"AuditEvent\"}";
        for (String scope : List.of("system/AuditEvent.cruds", "system/*.cruds")) {
            Response created = as(Tokens.system(scope)).contentType(FHIR_JSON).body(body).post("/fhir/AuditEvent");
            assertThat(created.statusCode()).isEqualTo(405);
            assertThat(created.<String>path("resourceType")).isEqualTo("OperationOutcome");
            assertThat(as(Tokens.system(scope)).contentType(FHIR_JSON).body(body).put("/fhir/AuditEvent/x")
                    .statusCode()).isEqualTo(405);
            assertThat(as(Tokens.system(scope)).delete("/fhir/AuditEvent/x").statusCode()).isEqualTo(405);
        }
    }

    private Response perform(String interaction, String token) {
        return switch (interaction) {
            case "read" -> as(token).get("/fhir/Patient/" + patientId);
            case "vread" -> as(token).get("/fhir/Patient/" + patientId + "/_history/1");
            case "history-instance" -> as(token).get("/fhir/Patient/" + patientId + "/_history");
            case "search" -> as(token).get("/fhir/Patient?_id=" + patientId);
            case "search-post" -> as(token).contentType("application/x-www-form-urlencoded")
                    .formParam("_id", patientId).post("/fhir/Patient/_search");
            case "history-type" -> as(token).get("/fhir/Patient/_history?_count=1");
            case "create" -> as(token).contentType(FHIR_JSON)
                    .body(SecurityFixtures.patientJson(null, "Created")).post("/fhir/Patient");
            case "update" -> as(token).contentType(FHIR_JSON)
                    .body(SecurityFixtures.patientJson(patientId, "Updated")).put("/fhir/Patient/" + patientId);
            case "delete" -> as(token).delete("/fhir/Patient/" + patientId);
            // REST Assured would send '$' as %24, which the router does not match against a literal '$'.
            case "operation" -> as(token).urlEncodingEnabled(false).get("/fhir/Patient/" + patientId + "/$security-probe");
            default -> throw new IllegalArgumentException(interaction);
        };
    }
}
