package health.ductcare.security;

import static health.ductcare.security.SecurityFixtures.FHIR_JSON;
import static health.ductcare.security.SecurityFixtures.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile input at the edge: each a 4xx OperationOutcome (never a 500, never the parser's own failure), and the
 * service still answers afterwards. Plus the headers every answer carries, and CORS for the midwives' portal.
 */
@QuarkusTest
@TestProfile(SecurityTestProfile.class)
class EdgeTest {

    private static final String FHIR_XML = "application/fhir+xml";
    private static final String WRITER = "user/*.cruds";

    @AfterEach
    void serviceStillAnswers() {
        given().when().get("/fhir/metadata").then().statusCode(200);
        String id = SecurityFixtures.patient("Stillhere");
        as(Tokens.user(WRITER)).get("/fhir/Patient/" + id).then().statusCode(200);
    }

    private static Response post(String type, String contentType, String body) {
        return as(Tokens.user(WRITER)).contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8))
                .post("/fhir/" + type);
    }

    private static void assertOutcome(Response response, int status) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        assertThat(response.contentType()).contains("fhir");
        assertThat(response.asString()).contains("OperationOutcome");
    }

    @Test
    void xmlExternalEntityIsRefused() {
        String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
                + "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&xxe;\"/></name></Patient>";
        Response response = post("Patient", FHIR_XML, xxe);
        assertOutcome(response, 400);
        assertThat(response.asString()).doesNotContain("root:");
    }

    @Test
    void xmlParameterEntityAndDoctypeWithoutEntitiesAreRefused() {
        String parameterEntity = "<?xml version=\"1.0\"?>\n<!DOCTYPE p [<!ENTITY % remote SYSTEM \"http://127.0.0.1:1/x.dtd\"> %remote;]>"
                + "<Patient xmlns=\"http://hl7.org/fhir\"/>";
        assertOutcome(post("Patient", FHIR_XML, parameterEntity), 400);
        assertOutcome(post("Patient", FHIR_XML, "<!DOCTYPE Patient><Patient xmlns=\"http://hl7.org/fhir\"/>"), 400);
    }

    @Test
    void billionLaughsIsRefused() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            xml.append("<!ENTITY lol").append(i).append(" \"");
            for (int j = 0; j < 10; j++) {
                xml.append(i == 1 ? "&lol;" : "&lol" + (i - 1) + ";");
            }
            xml.append("\">\n");
        }
        xml.append("]>\n<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&lol9;\"/></name></Patient>");
        assertOutcome(post("Patient", FHIR_XML, xml.toString()), 400);
    }

    @Test
    void oversizedBodyIs413WithOperationOutcome() {
        byte[] body = new byte[SecurityTestProfile.MAX_BODY_BYTES + 1024];
        java.util.Arrays.fill(body, (byte) ' ');
        Response response = as(Tokens.user(WRITER)).contentType(FHIR_JSON).body(body).post("/fhir/Patient");
        assertOutcome(response, 413);
        assertThat(response.<String>path("issue[0].code")).isEqualTo("too-costly");
    }

    @Test
    void oversizedChunkedBodyIsRefused() {
        byte[] body = new byte[SecurityTestProfile.MAX_BODY_BYTES * 2];
        java.util.Arrays.fill(body, (byte) ' ');
        Response response = as(Tokens.user(WRITER)).contentType(FHIR_JSON)
                .body(new ByteArrayInputStream(body)).post("/fhir/Patient");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(413);
    }

    @Test
    void deeplyNestedJsonIsRefusedBeforeParsing() {
        StringBuilder json = new StringBuilder("{\"resourceType\":\"Patient\",\"extension\":[");
        int levels = 200;
        for (int i = 0; i < levels; i++) {
            json.append("{\"url\":\"http://example.org/x\",\"extension\":[");
        }
        for (int i = 0; i < levels; i++) {
            json.append("]}");
        }
        json.append("]}");
        Response response = post("Patient", FHIR_JSON, json.toString());
        assertOutcome(response, 400);
        assertThat(response.<String>path("issue[0].diagnostics")).contains("nested");
        // Far beyond any parser's stack: still a plain 400.
        assertOutcome(post("Patient", FHIR_JSON, "{\"resourceType\":\"Patient\",\"x\":" + "[".repeat(100_000)), 400);
    }

    @Test
    void deeplyNestedXmlIsRefusedBeforeParsing() {
        StringBuilder xml = new StringBuilder("<Patient xmlns=\"http://hl7.org/fhir\">");
        int levels = 200;
        for (int i = 0; i < levels; i++) {
            xml.append("<extension url=\"http://example.org/x\">");
        }
        for (int i = 0; i < levels; i++) {
            xml.append("</extension>");
        }
        xml.append("</Patient>");
        assertOutcome(post("Patient", FHIR_XML, xml.toString()), 400);
    }

    @Test
    void hugeBundleIsRefusedBeforeValidation() {
        StringBuilder bundle = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[");
        for (int i = 0; i <= SecurityTestProfile.MAX_BUNDLE_ENTRIES; i++) {
            bundle.append(i == 0 ? "" : ",").append("{\"fullUrl\":\"urn:uuid:00000000-0000-0000-0000-")
                    .append(String.format("%012d", i)).append("\",\"resource\":")
                    .append(SecurityFixtures.patientJson(null, "Bulk")).append("}");
        }
        bundle.append("]}");
        Response response = post("Bundle", FHIR_JSON, bundle.toString());
        assertOutcome(response, 413);
        assertThat(response.<String>path("issue[0].diagnostics")).contains("entries");
    }

    @Test
    void everyAnswerCarriesSecurityHeaders() {
        for (Response response : new Response[] {
            as(Tokens.user(WRITER)).get("/fhir/Patient"),
            given().get("/fhir/Patient"),
            given().get("/fhir/metadata")}) {
            assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(response.header("Content-Security-Policy")).contains("default-src 'none'");
            assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(response.header("Strict-Transport-Security")).contains("max-age=");
        }
        assertThat(as(Tokens.user(WRITER)).get("/fhir/Patient").header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void corsAllowsTheConfiguredPortalOnlyAndNeverAWildcard() {
        Response preflight = given().header("Origin", SecurityTestProfile.PORTAL)
                .header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "authorization,content-type,if-match")
                .options("/fhir/Condition/123");
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(SecurityTestProfile.PORTAL);
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("PUT");
        assertThat(preflight.header("Access-Control-Allow-Headers")).containsIgnoringCase("authorization");
        assertThat(preflight.header("Access-Control-Allow-Credentials")).isNotEqualTo("true");

        Response actual = as(Tokens.user(WRITER)).header("Origin", SecurityTestProfile.PORTAL).get("/fhir/Patient");
        assertThat(actual.header("Access-Control-Allow-Origin")).isEqualTo(SecurityTestProfile.PORTAL);
        assertThat(actual.header("Access-Control-Expose-Headers")).contains("Location");

        Response stranger = given().header("Origin", "https://evil.test")
                .header("Access-Control-Request-Method", "GET").options("/fhir/Patient");
        assertThat(stranger.header("Access-Control-Allow-Origin")).isNull();
        Response strangerGet = as(Tokens.user(WRITER)).header("Origin", "https://evil.test").get("/fhir/Patient");
        assertThat(strangerGet.header("Access-Control-Allow-Origin")).isNotIn("*", "https://evil.test");
    }
}
