package health.ductcare.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/** The R4 RESTful interactions with their statuses and headers, in JSON and XML. */
@QuarkusTest
class RestCoreTest {

    private static final String FHIR_JSON = "application/fhir+json";
    private static final String FHIR_XML = "application/fhir+xml";

    static String createPatient() {
        return given().contentType(FHIR_JSON).body(Fixtures.load("patient.json"))
                .when().post("/fhir/Patient")
                .then().statusCode(201)
                .extract().path("id");
    }

    @Test
    void createAssignsIdAndAnswersWithLocationEtagAndLastModified() {
        Response response = given().contentType(FHIR_JSON).body(Fixtures.load("patient.json"))
                .when().post("/fhir/Patient");
        response.then().statusCode(201)
                .contentType(containsString(FHIR_JSON))
                .header("Location", matchesPattern("http://[^/]+/fhir/Patient/[A-Za-z0-9\\-.]+/_history/1"))
                .header("ETag", equalTo("W/\"1\""))
                .header("Last-Modified", notNullValue())
                .body("resourceType", equalTo("Patient"))
                .body("meta.versionId", equalTo("1"))
                .body("meta.lastUpdated", notNullValue())
                .body("name[0].family", equalTo("Testmother"));
        String id = response.path("id");
        assertThat(response.header("Location")).contains("/Patient/" + id + "/_history/1");
    }

    @Test
    void createIgnoresClientIdAndAssignsItsOwn() {
        String body = Fixtures.load("patient.json").replace("\"resourceType\": \"Patient\",",
                "\"resourceType\": \"Patient\", \"id\": \"client-chosen\",");
        String id = given().contentType(FHIR_JSON).body(body).when().post("/fhir/Patient")
                .then().statusCode(201).extract().path("id");
        assertThat(id).isNotEqualTo("client-chosen");
    }

    @Test
    void readReturnsCurrentVersionWithHeaders() {
        String id = createPatient();
        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + id)
                .then().statusCode(200)
                .contentType(equalTo("application/fhir+json;charset=UTF-8"))
                .header("ETag", equalTo("W/\"1\""))
                .body("id", equalTo(id))
                .body("gender", equalTo("female"));
    }

    @Test
    void historyAtAMomentListsTheVersionCurrentThen() throws InterruptedException {
        String id = createPatient();
        String v1 = given().get("/fhir/Patient/" + id).then().extract().path("meta.lastUpdated");
        Thread.sleep(20);
        String changed = given().get("/fhir/Patient/" + id).then().extract().asString()
                .replace("Testmother", "Testmother-Renamed");
        given().contentType(FHIR_JSON).body(changed).when().put("/fhir/Patient/" + id).then().statusCode(200);
        String v2 = given().get("/fhir/Patient/" + id).then().extract().path("meta.lastUpdated");
        assertThat(v2).isNotEqualTo(v1);

        given().queryParam("_at", v1).when().get("/fhir/Patient/" + id + "/_history").then().statusCode(200)
                .body("total", equalTo(1)).body("entry[0].resource.meta.versionId", equalTo("1"));
        given().queryParam("_at", v2).when().get("/fhir/Patient/" + id + "/_history").then().statusCode(200)
                .body("total", equalTo(1)).body("entry[0].resource.meta.versionId", equalTo("2"));
        given().when().get("/fhir/Patient/" + id + "/_history").then().body("total", equalTo(2))
                .body("entry.response.status", equalTo(java.util.List.of("200 OK", "201 Created")));

        String putId = "put-created-" + java.util.UUID.randomUUID();
        given().contentType(FHIR_JSON).body("{\"resourceType\":\"Patient\",\"id\":\"" + putId + "\"}")
                .when().put("/fhir/Patient/" + putId).then().statusCode(201);
        given().when().get("/fhir/Patient/" + putId + "/_history").then()
                .body("entry[0].request.method", equalTo("PUT")).body("entry[0].response.status", equalTo("201 Created"));
    }

    @Test
    void historyAtAPeriodListsEveryVersionCurrentDuringIt() throws InterruptedException {
        String id = createPatient();
        Thread.sleep(5);
        String changed = given().get("/fhir/Patient/" + id).then().extract().asString()
                .replace("Testmother", "Testmother-Renamed");
        given().contentType(FHIR_JSON).body(changed).when().put("/fhir/Patient/" + id).then().statusCode(200);
        String v2 = given().get("/fhir/Patient/" + id).then().extract().path("meta.lastUpdated");
        String year = java.time.Instant.parse(v2).toString().substring(0, 4);

        given().queryParam("_at", year).when().get("/fhir/Patient/" + id + "/_history").then().statusCode(200)
                .body("total", equalTo(2)).body("entry.resource.meta.versionId", equalTo(java.util.List.of("2", "1")));
        given().queryParam("_at", "2001-02").when().get("/fhir/Patient/" + id + "/_history").then().statusCode(200)
                .body("total", equalTo(0));
        given().queryParam("_at", Integer.parseInt(year) + 1).when().get("/fhir/Patient/" + id + "/_history")
                .then().statusCode(200).body("total", equalTo(1))
                .body("entry[0].resource.meta.versionId", equalTo("2"));
        given().queryParam("_at", "2026-13-45").when().get("/fhir/Patient/" + id + "/_history").then()
                .statusCode(400).body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].diagnostics", containsString("Invalid date"));
    }

    @Test
    void anInvalidIdIsA400NotAnUnknownEndpoint() {
        given().when().get("/fhir/Patient/bad_id").then().statusCode(400)
                .body("issue[0].diagnostics", containsString("not a valid resource id"));
        given().contentType(FHIR_JSON).body("{\"resourceType\":\"Patient\",\"id\":\"bad_id\"}")
                .when().put("/fhir/Patient/bad_id").then().statusCode(400);
        given().when().get("/fhir/Patient/" + "a".repeat(65)).then().statusCode(400);
        given().when().get("/fhir/NotAType/bad_id").then().statusCode(404);
        given().when().get("/fhir/Patient/no-such-patient").then().statusCode(404);
    }

    @Test
    void putWithIfNoneMatchStarOnlyCreates() {
        String id = "inm-" + java.util.UUID.randomUUID();
        String body = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"active\":true}";
        given().contentType(FHIR_JSON).header("If-None-Match", "*").body(body).when().put("/fhir/Patient/" + id)
                .then().statusCode(201);
        given().contentType(FHIR_JSON).header("If-None-Match", "*").body(body).when().put("/fhir/Patient/" + id)
                .then().statusCode(412).body("resourceType", equalTo("OperationOutcome"));
        given().when().get("/fhir/Patient/" + id).then().statusCode(200).body("meta.versionId", equalTo("1"));
        given().contentType(FHIR_JSON).body(body).when().put("/fhir/Patient/" + id).then().statusCode(200)
                .body("meta.versionId", equalTo("2"));
    }

    @Test
    void readInXmlByAcceptAndByFormatParameter() {
        String id = createPatient();
        given().accept(FHIR_XML).when().get("/fhir/Patient/" + id)
                .then().statusCode(200).contentType(containsString(FHIR_XML))
                .body(containsString("<Patient xmlns=\"http://hl7.org/fhir\">"))
                .body(containsString("<family value=\"Testmother\"/>"));
        given().queryParam("_format", "xml").when().get("/fhir/Patient/" + id)
                .then().statusCode(200).contentType(containsString(FHIR_XML));
        // As typed in a browser or curl: the unencoded '+' arrives as a space.
        given().urlEncodingEnabled(false).when().get("/fhir/Patient/" + id + "?_format=application/fhir+xml")
                .then().statusCode(200).contentType(containsString(FHIR_XML));
        given().accept("application/xml").when().get("/fhir/Patient/" + id)
                .then().statusCode(200).contentType(containsString("application/xml"));
        given().accept("application/json").when().get("/fhir/Patient/" + id)
                .then().statusCode(200).contentType(containsString("application/json"));
    }

    @Test
    void xmlCreateIsAccepted() {
        String xml = "<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\"/>"
                + "<name><family value=\"Xmlmother\"/></name><gender value=\"female\"/></Patient>";
        given().contentType(FHIR_XML).accept(FHIR_XML).body(xml).when().post("/fhir/Patient")
                .then().statusCode(201).contentType(containsString(FHIR_XML))
                .body(containsString("<family value=\"Xmlmother\"/>"))
                .body(containsString("<versionId value=\"1\"/>"));
    }

    @Test
    void prettySummaryAndElements() {
        String id = createPatient();
        String pretty = given().queryParam("_pretty", "true").when().get("/fhir/Patient/" + id)
                .then().statusCode(200).extract().asString();
        assertThat(pretty).contains("\n  \"resourceType\"");
        given().queryParam("_elements", "gender").when().get("/fhir/Patient/" + id)
                .then().statusCode(200)
                .body("gender", equalTo("female"))
                .body("name", nullValue())
                .body("id", equalTo(id));
        given().queryParam("_summary", "true").when().get("/fhir/Patient/" + id)
                .then().statusCode(200)
                .body("name[0].family", equalTo("Testmother"))
                .body("meta.tag.code", hasItem("SUBSETTED"));
    }

    @Test
    void vreadReturnsEachVersion() {
        String id = createPatient();
        String updated = Fixtures.load("patient.json").replace("\"resourceType\": \"Patient\",",
                "\"resourceType\": \"Patient\", \"id\": \"" + id + "\",").replace("Anna", "Berta");
        given().contentType(FHIR_JSON).body(updated).when().put("/fhir/Patient/" + id)
                .then().statusCode(200).header("ETag", equalTo("W/\"2\"")).body("meta.versionId", equalTo("2"));
        given().when().get("/fhir/Patient/" + id + "/_history/1")
                .then().statusCode(200).body("name[0].given[0]", equalTo("Anna")).body("meta.versionId", equalTo("1"));
        given().when().get("/fhir/Patient/" + id + "/_history/2")
                .then().statusCode(200).body("name[0].given[0]", equalTo("Berta"));
        given().when().get("/fhir/Patient/" + id + "/_history/3")
                .then().statusCode(404).body("resourceType", equalTo("OperationOutcome"));
    }

    @Test
    void updateAsCreateWithClientId() {
        String id = "client-" + System.nanoTime();
        String body = Fixtures.load("patient.json").replace("\"resourceType\": \"Patient\",",
                "\"resourceType\": \"Patient\", \"id\": \"" + id + "\",");
        given().contentType(FHIR_JSON).body(body).when().put("/fhir/Patient/" + id)
                .then().statusCode(201)
                .header("Location", endsWith("/fhir/Patient/" + id + "/_history/1"))
                .body("id", equalTo(id));
    }

    @Test
    void ifMatchAcceptsWeakAndStrongTagsAndRejectsStaleVersions() {
        String id = createPatient();
        String body = Fixtures.load("patient.json").replace("\"resourceType\": \"Patient\",",
                "\"resourceType\": \"Patient\", \"id\": \"" + id + "\",");
        given().contentType(FHIR_JSON).header("If-Match", "W/\"1\"").body(body).when().put("/fhir/Patient/" + id)
                .then().statusCode(200).header("ETag", equalTo("W/\"2\""));
        given().contentType(FHIR_JSON).header("If-Match", "\"2\"").body(body).when().put("/fhir/Patient/" + id)
                .then().statusCode(200).header("ETag", equalTo("W/\"3\""));
        given().contentType(FHIR_JSON).header("If-Match", "W/\"1\"").body(body).when().put("/fhir/Patient/" + id)
                .then().statusCode(412).body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].code", equalTo("conflict"));
        given().header("If-Match", "W/\"2\"").when().delete("/fhir/Patient/" + id)
                .then().statusCode(412);
        given().when().get("/fhir/Patient/" + id).then().statusCode(200).body("meta.versionId", equalTo("3"));
    }

    @Test
    void conditionalReadAnswersNotModified() {
        String id = createPatient();
        given().header("If-None-Match", "W/\"1\"").when().get("/fhir/Patient/" + id)
                .then().statusCode(304).header("ETag", equalTo("W/\"1\""));
        given().header("If-None-Match", "W/\"7\"").when().get("/fhir/Patient/" + id)
                .then().statusCode(200);
        String lastModified = given().when().get("/fhir/Patient/" + id).header("Last-Modified");
        given().header("If-Modified-Since", lastModified).when().get("/fhir/Patient/" + id)
                .then().statusCode(304);
        given().header("If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT").when().get("/fhir/Patient/" + id)
                .then().statusCode(200);
    }

    @Test
    void deleteIsLogicalAndReadThenAnswersGone() {
        String id = createPatient();
        given().when().delete("/fhir/Patient/" + id)
                .then().statusCode(200).body("resourceType", equalTo("OperationOutcome"))
                .header("ETag", equalTo("W/\"2\""));
        given().when().get("/fhir/Patient/" + id)
                .then().statusCode(410).body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].code", equalTo("deleted"));
        given().when().delete("/fhir/Patient/" + id).then().statusCode(200);
        given().when().get("/fhir/Patient/" + id + "/_history/1").then().statusCode(200);
        given().when().get("/fhir/Patient/" + id + "/_history/2").then().statusCode(410);
        given().when().get("/fhir/Patient/" + id + "/_history")
                .then().statusCode(200)
                .body("type", equalTo("history"))
                .body("total", equalTo(2))
                .body("entry[0].request.method", equalTo("DELETE"))
                .body("entry[1].request.method", equalTo("POST"))
                .body("entry[1].resource.id", equalTo(id));
    }

    @Test
    void deleteWithPreferMinimalAnswersNoContent() {
        String id = createPatient();
        given().header("Prefer", "return=minimal").when().delete("/fhir/Patient/" + id)
                .then().statusCode(204).header("ETag", equalTo("W/\"2\"")).body(equalTo(""));
        given().accept(FHIR_XML).when().get("/fhir/Patient/" + id)
                .then().statusCode(410).body(containsString("<OperationOutcome"));
    }

    @Test
    void deleteOfUnknownResourceIsNotFound() {
        given().when().delete("/fhir/Patient/never-existed").then().statusCode(404);
    }

    @Test
    void typeAndSystemHistory() {
        String id = createPatient();
        given().queryParam("_count", "5").when().get("/fhir/Patient/_history")
                .then().statusCode(200).body("type", equalTo("history"))
                .body("entry.size()", equalTo(5))
                .body("link.find { it.relation == 'next' }.url", containsString("_cursor="));
        given().when().get("/fhir/_history").then().statusCode(200).body("type", equalTo("history"))
                .body("entry.fullUrl", hasItem(endsWith("/Patient/" + id)));
    }

    @Test
    void historySinceTakesAnInstantOrADateReadFromItsStart() {
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        String id = createPatient();
        String history = "/fhir/Patient/" + id + "/_history";
        given().queryParam("_since", today.toString()).get(history).then().statusCode(200).body("total", equalTo(1));
        given().queryParam("_since", "2025").get(history).then().statusCode(200).body("total", equalTo(1));
        given().queryParam("_since", today.plusDays(1).toString()).get(history)
                .then().statusCode(200).body("total", equalTo(0));
        given().queryParam("_since", today.plusDays(1) + "T00:00:00Z").get(history)
                .then().statusCode(200).body("total", equalTo(0));
        given().queryParam("_since", "yesterday").get(history).then().statusCode(400)
                .body("issue[0].diagnostics", containsString("_since"));
    }

    @Test
    void historyWithSummaryCountOrCountZeroHasTheTotalAndNoEntries() {
        String id = createPatient();
        String changed = given().get("/fhir/Patient/" + id).then().extract().asString()
                .replace("Testmother", "Testmother-Renamed");
        given().contentType(FHIR_JSON).body(changed).when().put("/fhir/Patient/" + id).then().statusCode(200);
        given().queryParam("_summary", "count").when().get("/fhir/Patient/" + id + "/_history")
                .then().statusCode(200).body("type", equalTo("history")).body("total", equalTo(2))
                .body("entry", nullValue())
                .body("link.relation", not(hasItem("next")));
        given().queryParam("_summary", "count").queryParam("_count", "1").when().get("/fhir/Patient/_history")
                .then().statusCode(200).body("total", greaterThanOrEqualTo(2)).body("entry", nullValue())
                .body("link.relation", not(hasItem("next")));
        given().contentType(FHIR_JSON).body("""
                {"resourceType": "Bundle", "type": "batch", "entry": [
                  {"request": {"method": "GET", "url": "Patient/%s/_history?_summary=count"}}]}""".formatted(id))
                .when().post("/fhir")
                .then().statusCode(200).body("entry[0].response.status", startsWith("200"))
                .body("entry[0].resource.total", equalTo(2)).body("entry[0].resource.entry", nullValue());
        given().queryParam("_count", "0").when().get("/fhir/Patient/" + id + "/_history")
                .then().statusCode(200).body("total", equalTo(2)).body("entry", nullValue())
                .body("link.relation", not(hasItem("next")));
        given().queryParam("_summary", "many").when().get("/fhir/Patient/" + id + "/_history")
                .then().statusCode(400).body("resourceType", equalTo("OperationOutcome"));
        given().queryParam("_count", "-1").when().get("/fhir/Patient/" + id + "/_history")
                .then().statusCode(400).body("issue[0].diagnostics", containsString("_count"));
    }

    @Test
    void preferReturnMinimalAndOperationOutcome() {
        given().contentType(FHIR_JSON).header("Prefer", "return=minimal").body(Fixtures.load("patient.json"))
                .when().post("/fhir/Patient")
                .then().statusCode(201).header("Location", notNullValue()).body(equalTo(""));
        given().contentType(FHIR_JSON).header("Prefer", "return=OperationOutcome").body(Fixtures.load("patient.json"))
                .when().post("/fhir/Patient")
                .then().statusCode(201).body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].severity", equalTo("information"));
    }

    @Test
    void unknownTypeIsNotFoundWithOperationOutcome() {
        given().when().get("/fhir/Banana/1")
                .then().statusCode(404).body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].diagnostics", containsString("Banana"));
        given().contentType(FHIR_JSON).body("{\"resourceType\":\"Banana\"}").when().post("/fhir/Banana")
                .then().statusCode(404).body("resourceType", equalTo("OperationOutcome"));
    }

    @Test
    void unknownIdIsNotFound() {
        given().accept(FHIR_XML).when().get("/fhir/Patient/does-not-exist")
                .then().statusCode(404).contentType(containsString(FHIR_XML))
                .body(containsString("<OperationOutcome"));
    }

    @Test
    void unsupportedMethodIsMethodNotAllowed() {
        given().when().delete("/fhir/metadata")
                .then().statusCode(405).body("resourceType", equalTo("OperationOutcome"));
    }

    @Test
    void unsupportedBodyTypeIs415AndUnsatisfiableAcceptIs406() {
        given().contentType("text/plain").body("hello").when().post("/fhir/Patient")
                .then().statusCode(415).body("resourceType", equalTo("OperationOutcome"));
        String id = createPatient();
        given().accept("text/plain").when().get("/fhir/Patient/" + id)
                .then().statusCode(406).body("resourceType", equalTo("OperationOutcome"));
        given().queryParam("_format", "yaml").when().get("/fhir/Patient/" + id)
                .then().statusCode(406);
    }

    @Test
    void unparseableBodiesAreBadRequests() {
        given().contentType(FHIR_JSON).body("{\"resourceType\": \"Patient\", ").when().post("/fhir/Patient")
                .then().statusCode(400).body("resourceType", equalTo("OperationOutcome"))
                .body(not(containsString("Exception")));
        given().contentType(FHIR_XML).accept(FHIR_XML).body("<Patient xmlns=\"http://hl7.org/fhir\"><active")
                .when().post("/fhir/Patient")
                .then().statusCode(400).body(containsString("<OperationOutcome"));
        given().contentType(FHIR_JSON).body("").when().post("/fhir/Patient").then().statusCode(400);
    }

    @Test
    void typeOrIdDisagreeingWithUrlIsBadRequest() {
        given().contentType(FHIR_JSON).body(Fixtures.load("condition-blocked-duct.json"))
                .when().post("/fhir/Patient")
                .then().statusCode(400).body("issue[0].diagnostics", containsString("Condition"));
        String id = createPatient();
        String other = Fixtures.load("patient.json").replace("\"resourceType\": \"Patient\",",
                "\"resourceType\": \"Patient\", \"id\": \"someone-else\",");
        given().contentType(FHIR_JSON).body(other).when().put("/fhir/Patient/" + id).then().statusCode(400);
        given().contentType(FHIR_JSON).body(Fixtures.load("patient.json")).when().put("/fhir/Patient/" + id)
                .then().statusCode(400);
    }

    @Test
    void invalidResourceIsUnprocessableWithEveryIssueAndItsExpression() {
        String invalid = "{\"resourceType\":\"Patient\",\"gender\":\"mostly\",\"birthDate\":\"1990-13-45\","
                + "\"favouriteColour\":\"blue\"}";
        Response response = given().contentType(FHIR_JSON).body(invalid).when().post("/fhir/Patient");
        response.then().statusCode(422).body("resourceType", equalTo("OperationOutcome"))
                .body("issue.severity", hasItem("error"));
        String body = response.asString();
        assertThat(body).contains("Patient.gender").contains("Patient.birthDate").contains("favouriteColour");
        assertThat(response.<java.util.List<Object>>path("issue.expression")).allSatisfy(e -> assertThat(e).isNotNull());
        given().contentType(FHIR_JSON).body("{\"resourceType\":\"Condition\"}").when().post("/fhir/Condition")
                .then().statusCode(422).body(containsString("Condition.subject"));
    }

    @Test
    void invalidWriteChangesNothing() {
        String id = createPatient();
        String invalid = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"gender\":\"mostly\"}";
        given().contentType(FHIR_JSON).body(invalid).when().put("/fhir/Patient/" + id).then().statusCode(422);
        given().when().get("/fhir/Patient/" + id).then().statusCode(200).body("meta.versionId", equalTo("1"))
                .body("gender", equalTo("female"));
    }

    @Test
    void everyResponseCarriesARequestId() {
        given().header("X-Request-ID", "trace-123").when().get("/fhir/metadata")
                .then().statusCode(200).header("X-Request-ID", equalTo("trace-123"));
        given().when().get("/fhir/metadata").then().header("X-Request-ID", notNullValue());
    }

    @Test
    void capabilityStatementDescribesTheServer() {
        given().when().get("/fhir/metadata")
                .then().statusCode(200)
                .body("resourceType", equalTo("CapabilityStatement"))
                .body("fhirVersion", equalTo("4.0.1"))
                .body("format", hasItem("application/fhir+json"))
                .body("rest[0].resource.type", hasItem("Condition"))
                .body("rest[0].resource.find { it.type == 'Condition' }.interaction.code",
                        hasItem("vread"));
    }

    @Test
    void capabilityStatementNamesTheBaseUrlAndFormatEachClientAskedFor() {
        // The encoded statement is kept per base URL and response options: each client must still get its own.
        String first = given().header("Host", "first.example:8080").when().get("/fhir/metadata")
                .then().statusCode(200).extract().path("implementation.url");
        String second = given().header("Host", "second.example:8443").when().get("/fhir/metadata")
                .then().statusCode(200).extract().path("implementation.url");
        assertThat(first).isEqualTo("http://first.example:8080/fhir");
        assertThat(second).isEqualTo("http://second.example:8443/fhir");
        given().header("Host", "first.example:8080").accept("application/fhir+xml").when().get("/fhir/metadata")
                .then().statusCode(200).contentType(containsString("application/fhir+xml"))
                .body(containsString("<url value=\"http://first.example:8080/fhir\"/>"));
        given().header("Host", "first.example:8080").queryParam("_summary", "true").when().get("/fhir/metadata")
                .then().statusCode(200).body("meta.tag.code", hasItem("SUBSETTED"))
                .body("implementation.url", equalTo("http://first.example:8080/fhir"));
    }

    @Test
    void hospitalFeedTypesAreStoredToo() {
        for (String type : new String[] {"Practitioner", "PractitionerRole", "Organization", "Medication",
                "AllergyIntolerance"}) {
            String body = switch (type) {
                case "AllergyIntolerance" ->
                        "{\"resourceType\":\"AllergyIntolerance\",\"clinicalStatus\":{\"coding\":[{\"system\":"
                        + "\"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical\",\"code\":\"active\"}]},"
                        + "\"patient\":{\"reference\":\"Patient/p1\"}}";
                case "Organization" -> "{\"resourceType\":\"Organization\",\"name\":\"Maternity ward\"}";
                default -> "{\"resourceType\":\"" + type + "\"}";
            };
            Response response = given().contentType(FHIR_JSON).body(body).when().post("/fhir/" + type);
            assertThat(response.statusCode()).as(type + ": " + response.asString()).isEqualTo(201);
            assertThat(response.header("Location")).startsWith("http");
        }
        given().contentType(FHIR_JSON).body("{\"resourceType\":\"Encounter\",\"status\":\"finished\","
                        + "\"class\":{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"AMB\"}}")
                .when().post("/fhir/Encounter").then().statusCode(201);
    }
}
