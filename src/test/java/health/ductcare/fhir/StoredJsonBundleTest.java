package health.ductcare.fhir;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import health.ductcare.search.SearchRequest;
import health.ductcare.search.SearchService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/**
 * Plain JSON searches and histories write the stored JSON of their resources as it is, without parsing it: the
 * body must be the very bytes HAPI's encoder gives for the same Bundle with the resources parsed, which is what
 * the service answers with that shortcut turned off.
 */
@QuarkusTest
class StoredJsonBundleTest {

    private static final String FHIR_JSON = "application/fhir+json";
    /** Parses and encodes as the server does (which keeps the versions AuditEvents name, for one). */
    private static final FhirContext FHIR = new FhirContextProducer().fhirContext();

    @Inject
    FhirWriter writer;

    @Inject
    EntityManager entityManager;

    @Inject
    SearchService searchService;

    private static String create(String type, String json) {
        return given().contentType(FHIR_JSON).body(json).post("/fhir/" + type)
                .then().statusCode(201).extract().path("id");
    }

    private static String patient(String family) {
        // narrative, extension, contained resource, non-ASCII text: everything a re-encoding could change
        return create("Patient", """
                {"resourceType": "Patient",
                 "text": {"status": "generated",
                          "div": "<div xmlns=\\"http://www.w3.org/1999/xhtml\\"><p>Zoë &amp; <b>co</b> \u2013 ok</p></div>"},
                 "contained": [{"resourceType": "Organization", "id": "org1", "name": "Clinic \\"Nord\\""}],
                 "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
                                "valueAddress": {"city": "Malmö"}}],
                 "name": [{"family": "%s", "given": ["Zoë", "Ann"]}],
                 "gender": "female", "birthDate": "1990-01-01",
                 "managingOrganization": {"reference": "#org1"}}""".formatted(family));
    }

    private static String condition(String patientId, String code, String note) {
        return create("Condition", """
                {"resourceType": "Condition",
                 "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
                 "code": {"coding": [{"system": "urn:test:stored", "code": "%s", "display": "Blocked duct"}]},
                 "subject": {"reference": "Patient/%s"},
                 "onsetDateTime": "2025-01-01T10:00:00+01:00",
                 "note": [{"text": %s}]}""".formatted(code, patientId, quote(note)));
    }

    private static String observation(String patientId, String code) {
        return create("Observation", """
                {"resourceType": "Observation", "status": "final",
                 "code": {"coding": [{"system": "urn:test:stored", "code": "%s"}]},
                 "subject": {"reference": "Patient/%s"},
                 "effectiveDateTime": "2025-01-02",
                 "valueQuantity": {"value": 37.50, "unit": "Cel", "system": "http://unitsofmeasure.org", "code": "Cel"}}"""
                .formatted(code, patientId));
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\t", "\\t") + "\"";
    }

    private static Response get(String url, boolean lenient) {
        var request = given().accept(FHIR_JSON);
        if (lenient) {
            request.header("Prefer", "handling=lenient");
        }
        return request.get(url.startsWith("http") ? url : "/fhir/" + url);
    }

    /**
     * The body as served (stored JSON copied in) and as HAPI encodes the parsed Bundle; both must be equal. Only a
     * first page's cursors may differ: they carry the newest row at the time (the page's snapshot), and every request
     * adds one, its AuditEvent.
     */
    private String sameBothWays(String url, boolean lenient) {
        String written = get(url, lenient).then().statusCode(200).extract().asString();
        writer.writeStoredJson(false);
        String encoded;
        try {
            encoded = get(url, lenient).then().statusCode(200).extract().asString();
        } finally {
            writer.writeStoredJson(true);
        }
        if (url.contains("_cursor=")) {
            assertThat(written).as(url).isEqualTo(encoded);
        } else {
            assertThat(withoutCursors(written)).as(url).isEqualTo(withoutCursors(encoded));
        }
        // and HAPI reads it back to the same text
        assertThat(FHIR.newJsonParser().encodeResourceToString(FHIR.newJsonParser().parseResource(written)))
                .as(url).isEqualTo(written);
        return written;
    }

    private static String withoutCursors(String body) {
        return body.replaceAll("_cursor=[A-Za-z0-9_-]+", "_cursor=...");
    }

    /** One page, written both ways: the very same Bundle, so equal to the byte, cursors included. */
    private void sameBothWays(SearchRequest request) {
        UnparsedBundle page = searchService.searchPage(request);
        String written = writer.encodeJson(page);
        String encoded = writer.encodeBundle(page.parse(FHIR), ResponseOptions.DEFAULT_JSON);
        assertThat(written).as(request.toString()).isEqualTo(encoded);
    }

    private static String link(String body, String relation) {
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, body);
        Bundle.BundleLinkComponent link = bundle.getLink(relation);
        return link == null ? null : link.getUrl();
    }

    @Test
    void searchesAndHistoriesAreTheJsonHapiWouldWrite() throws InterruptedException {
        Instant start = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
        String u = UUID.randomUUID().toString().substring(0, 12);
        String p = patient("Stored" + u);
        List<String> conditions = new ArrayList<>();
        conditions.add(condition(p, "S" + u, "quote \" backslash \\ and {\"resourceType\":\"Basic\",\"id\":\"ductcare-stored-0\"}"));
        conditions.add(condition(p, "S" + u, "second, with a tab\tand é"));
        conditions.add(condition(p, "S" + u, "third"));
        String deleted = condition(p, "S" + u, "deleted later");
        observation(p, "O" + u);
        // a second version of the first Condition, and a deleted one
        String updated = get("Condition/" + conditions.get(0), false).then().extract().asString()
                .replace("quote", "Quote");
        given().contentType(FHIR_JSON).body(updated).put("/fhir/Condition/" + conditions.get(0))
                .then().statusCode(200);
        given().delete("/fhir/Condition/" + deleted).then().statusCode(200);

        String plain = sameBothWays("Condition?code=S" + u, false);
        assertThat(FHIR.newJsonParser().parseResource(Bundle.class, plain).getEntry()).hasSize(3);
        sameBothWays("Condition?code=S" + u + "&_pretty=false&_summary=false", false);
        sameBothWays("Condition?code=S" + u + "&_include=Condition:subject&_sort=-_lastUpdated", false);
        String reverse = sameBothWays("Patient?_id=" + p + "&_revinclude=Condition:subject"
                + "&_revinclude=Observation:subject", false);
        assertThat(FHIR.newJsonParser().parseResource(Bundle.class, reverse).getEntry()).hasSize(5);
        String lenient = sameBothWays("Condition?code=S" + u + "&shoe-size=42", true);
        assertThat(lenient).contains("\"mode\":\"outcome\"");
        sameBothWays("Condition?code=S" + u + "&_summary=count", false);
        sameBothWays("Condition?code=S" + u + "&_total=none", false);
        sameBothWays("Condition?code=none-" + u, false);

        // pages: the second has both a next and a previous link
        String first = sameBothWays("Condition?code=S" + u + "&_count=1", false);
        String second = sameBothWays(link(first, "next"), false);
        assertThat(link(second, "previous")).isNotNull();
        sameBothWays(link(second, "next"), false);
        sameBothWays(link(second, "previous"), false);

        // the same searches, one page written both ways
        String base = "http://example.org/fhir";
        for (Map<String, List<String>> parameters : List.of(
                Map.of("code", List.of("S" + u)),
                Map.of("code", List.of("S" + u), "_count", List.of("1")),
                Map.of("code", List.of("S" + u), "_include", List.of("Condition:subject")),
                Map.of("_id", List.of(p), "_revinclude", List.of("Condition:subject", "Observation:subject")),
                Map.of("code", List.of("S" + u), "shoe-size", List.of("42")),
                Map.of("code", List.of("S" + u), "_summary", List.of("count")))) {
            sameBothWays(new SearchRequest("Condition", parameters, base, true));
        }
        sameBothWays(new SearchRequest("Patient", Map.of("_id", List.of(p), "_revinclude",
                List.of("Condition:subject", "Observation:subject")), base, false));
        // a Bundle with an element the JSON writer does not write is parsed and encoded by HAPI
        UnparsedBundle stamped = searchService.searchPage(new SearchRequest("Condition",
                Map.of("code", List.of("S" + u)), base, false));
        stamped.skeleton().setTimestamp(new java.util.Date(0));
        assertThat(writer.encodeJson(stamped)).contains("\"timestamp\":\"1970-01-01T")
                .isEqualTo(writer.encodeBundle(stamped.parse(FHIR), ResponseOptions.DEFAULT_JSON));

        // histories: instance (two versions), a deleted resource, type and system level, paged; the system
        // history up to a moment (_at) so that later AuditEvents stay out of it
        String instance = sameBothWays("Condition/" + conditions.get(0) + "/_history", false);
        assertThat(FHIR.newJsonParser().parseResource(Bundle.class, instance).getEntry()).hasSize(2);
        String gone = sameBothWays("Condition/" + deleted + "/_history", false);
        assertThat(gone).contains("\"method\":\"DELETE\"");
        sameBothWays("Condition/_history?_since=" + start, false);
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Thread.sleep(1100);
        StringBuilder pages = new StringBuilder();
        String page = sameBothWays("_history?_since=" + start + "&_at=" + at + "&_count=3", false);
        pages.append(page);
        for (int i = 0; i < 100 && link(page, "next") != null; i++) {
            page = sameBothWays(link(page, "next"), false);
            pages.append(page);
        }
        assertThat(pages).contains("\"method\":\"DELETE\"", "\"method\":\"PUT\"", "\"method\":\"POST\"");
    }

    @Test
    void plainJsonAnswersCarryTheStoredJsonAsItIs() {
        String u = UUID.randomUUID().toString().substring(0, 12);
        String p = patient("Verbatim" + u);
        // Stored JSON that HAPI would not write (a space after the first brace): only the stored text, sent
        // without parsing, can carry it.
        rewriteStoredJson(p, "'{ ' || SUBSTRING(json, 2)");
        try {
            answersCarryTheStoredJson(p);
        } finally {
            rewriteStoredJson(p, "'{' || SUBSTRING(json, 3)");
        }
    }

    private void rewriteStoredJson(String patientId, String json) {
        QuarkusTransaction.requiringNew().run(() -> {
            for (String table : List.of("resource", "resource_version")) {
                entityManager.createNativeQuery("UPDATE " + table + " SET json = " + json
                        + " WHERE res_type = 'Patient' AND res_id = ?1").setParameter(1, patientId).executeUpdate();
            }
        });
    }

    private void answersCarryTheStoredJson(String p) {
        assertThat(get("Patient?_id=" + p, false).then().statusCode(200).extract().asString())
                .contains("{ \"resourceType\":\"Patient\",\"id\":\"" + p + "\"");
        assertThat(get("Patient/" + p + "/_history", false).then().statusCode(200).extract().asString())
                .contains("{ \"resourceType\":\"Patient\",\"id\":\"" + p + "\"");
        // whereas XML, _pretty, _summary and _elements parse and encode it
        assertThat(get("Patient?_id=" + p + "&_pretty=true", false).then().statusCode(200).extract().asString())
                .doesNotContain("{ \"resourceType\":\"Patient\"").contains("\"resourceType\": \"Patient\"");
        assertThat(get("Patient?_id=" + p + "&_elements=name", false).then().statusCode(200).extract().asString())
                .doesNotContain("{ \"resourceType\":\"Patient\"").contains("\"resourceType\":\"Patient\"");
    }
}
