package health.ductcare.bundle;

import static health.ductcare.bundle.BundleJson.FHIR_JSON;
import static health.ductcare.bundle.BundleJson.FHIR_XML;
import static health.ductcare.bundle.BundleJson.bundle;
import static health.ductcare.bundle.BundleJson.condition;
import static health.ductcare.bundle.BundleJson.conditionWithoutSubject;
import static health.ductcare.bundle.BundleJson.createPatient;
import static health.ductcare.bundle.BundleJson.entry;
import static health.ductcare.bundle.BundleJson.patient;
import static health.ductcare.bundle.BundleJson.postBundle;
import static health.ductcare.bundle.BundleJson.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import health.ductcare.fhir.FhirValidation;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.xml.XmlPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The batch interaction: each entry on its own, with its own status. */
@QuarkusTest
class BatchTest {

    @Inject
    FhirValidation validation;

    @BeforeEach
    void validatorIsWarm() throws InterruptedException {
        BundleJson.awaitWarm(validation);
    }

    @Test
    void failingEntriesGetTheirOwnStatusAndTheOthersStillApply() {
        String existing = createPatient(unique("MRN"));
        String newPatientId = UUID.randomUUID().toString();
        Response response = postBundle(bundle("batch",
                entry(null, patient(newPatientId, unique("MRN"), "Batchmother"), "PUT", "Patient/" + newPatientId),
                entry(null, conditionWithoutSubject(), "POST", "Condition"),
                entry(null, patient(existing, unique("MRN"), "Stale"),
                        "{\"method\":\"PUT\",\"url\":\"Patient/" + existing + "\",\"ifMatch\":\"W/\\\"7\\\"\"}"),
                entry(null, null, "GET", "Patient/" + unique("missing")),
                entry(null, condition("Patient/" + existing), "POST", "Condition"),
                "{\"request\":{\"method\":\"POST\"}}"));

        response.then().statusCode(200)
                .body("type", equalTo("batch-response"))
                .body("entry.response.status", equalTo(List.of("201 Created", "422 Unprocessable Entity",
                        "412 Precondition Failed", "404 Not Found", "201 Created", "400 Bad Request")))
                .body("entry[1].response.outcome.resourceType", equalTo("OperationOutcome"))
                .body("entry[1].response.outcome.issue[0].severity", equalTo("error"))
                .body("entry[2].response.outcome.issue[0].code", equalTo("conflict"))
                .body("entry[5].response.outcome.issue[0].diagnostics", containsString("Entry 5"))
                .body("entry[4].resource.subject.reference", equalTo("Patient/" + existing));

        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + newPatientId)
                .then().statusCode(200).body("name[0].family", equalTo("Batchmother"));
        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + existing)
                .then().statusCode(200).body("meta.versionId", equalTo("1"));
    }

    @Test
    void entryUrlsUnderThisServersBaseAreReadAsItsOwnInAnySpellingOfSchemeAndHost() {
        String id = createPatient(unique("MRN"));
        String host = java.net.URI.create(io.restassured.RestAssured.baseURI).getHost();
        int port = io.restassured.RestAssured.port;
        Response response = postBundle(bundle("batch",
                entry(null, null, "GET", "http://" + host + ":" + port + "/fhir/Patient/" + id),
                entry(null, null, "GET", "HTTP://" + host.toUpperCase(java.util.Locale.ROOT) + ":" + port
                        + "/fhir/Patient/" + id),
                entry(null, null, "GET", "http://" + host + ":" + port + "/fhir//Patient?_id=" + id),
                entry(null, null, "GET", "http://other.example/fhir/Patient/" + id),
                entry(null, null, "GET", "http://" + host + ":" + port + "/FHIR/Patient/" + id)));

        response.then().statusCode(200)
                .body("entry.response.status", equalTo(List.of("200 OK", "200 OK", "200 OK", "400 Bad Request",
                        "400 Bad Request")))
                .body("entry[0].resource.id", equalTo(id))
                .body("entry[1].resource.id", equalTo(id))
                .body("entry[2].resource.total", equalTo(1))
                .body("entry[3].response.outcome.issue[0].diagnostics", containsString("another server"));
    }

    @Test
    void aReadEntryIgnoresQueryParametersAReadDoesNotUseAsTheDirectReadDoes() {
        String id = createPatient(unique("MRN"));
        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + id + "?name=somebody-else&_count=1")
                .then().statusCode(200).body("id", equalTo(id));
        Response response = postBundle(bundle("batch",
                entry(null, null, "GET", "Patient/" + id + "?name=somebody-else&_count=1"),
                entry(null, null, "GET", "Patient/" + id + "/_history/1?name=somebody-else&_elements=id")));

        response.then().statusCode(200)
                .body("entry.response.status", equalTo(List.of("200 OK", "200 OK")))
                .body("entry[0].resource.id", equalTo(id))
                .body("entry[0].resource.identifier", org.hamcrest.Matchers.notNullValue())
                .body("entry[1].resource.identifier", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void laterEntriesMayReferToEarlierOnesByFullUrl() {
        String fullUrl = "urn:uuid:" + UUID.randomUUID();
        Response response = postBundle(bundle("batch",
                entry(fullUrl, patient(unique("MRN")), "POST", "Patient"),
                entry(null, condition(fullUrl), "POST", "Condition"),
                entry(null, condition("urn:uuid:" + UUID.randomUUID()), "POST", "Condition")));
        response.then().statusCode(200)
                .body("entry.response.status", equalTo(List.of("201 Created", "201 Created", "400 Bad Request")));
        String patientLocation = response.path("entry[0].response.location");
        assertThat((String) response.path("entry[1].resource.subject.reference"))
                .isEqualTo(patientLocation.substring(0, patientLocation.indexOf("/_history")));
    }

    @Test
    void batchInXmlIsAnsweredInXml() {
        String id = createPatient(unique("MRN"));
        String body = "<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"batch\"/>"
                + "<entry><request><method value=\"GET\"/><url value=\"Patient/" + id + "\"/></request></entry>"
                + "<entry><request><method value=\"DELETE\"/><url value=\"Patient/" + id + "\"/></request></entry>"
                + "<entry><request><method value=\"GET\"/><url value=\"Patient/" + id + "\"/></request></entry>"
                + "</Bundle>";
        Response response = given().contentType(FHIR_XML).accept(FHIR_XML).body(body).when().post("/fhir");
        response.then().statusCode(200).contentType(containsString(FHIR_XML));
        XmlPath xml = new XmlPath(response.asString());
        assertThat(xml.getString("Bundle.type.@value")).isEqualTo("batch-response");
        assertThat(xml.getList("Bundle.entry.response.status.@value"))
                .containsExactly("200 OK", "204 No Content", "410 Gone");
        assertThat(xml.getString("Bundle.entry[0].resource.Patient.id.@value")).isEqualTo(id);
    }

    @Test
    void searchEntryReturnsASearchsetBundle() {
        String id = createPatient(unique("MRN"));
        postBundle(bundle("batch", entry(null, null, "GET", "Patient?_id=" + id)))
                .then().statusCode(200)
                .body("entry[0].response.status", equalTo("200 OK"))
                .body("entry[0].resource.type", equalTo("searchset"))
                .body("entry[0].resource.entry[0].resource.id", equalTo(id));
    }

    @Test
    void historyEntriesAnswerWhatTheDirectGetAnswers() {
        String id = createPatient(unique("MRN"));
        given().contentType(FHIR_JSON).body(patient(id, unique("MRN"), "Renamed")).when().put("/fhir/Patient/" + id)
                .then().statusCode(200);
        List<String> urls = List.of("Patient/" + id + "/_history", "Patient/" + id + "/_history?_count=1",
                "Patient/_history?_count=2", "Patient/" + id + "/_history/1");
        StringBuilder entries = new StringBuilder();
        for (String url : urls) {
            entries.append(entries.length() == 0 ? "" : ",").append(entry(null, null, "GET", url));
        }
        entries.append(",").append(entry(null, null, "GET", "_history?_count=1"))
                .append(",").append(entry(null, null, "HEAD", "Patient/" + id + "/_history"));
        Response response = postBundle(bundle("batch", entries.toString()));

        response.then().statusCode(200)
                .body("entry.response.status", equalTo(List.of("200 OK", "200 OK", "200 OK", "200 OK", "200 OK",
                        "200 OK")))
                .body("entry[0].resource.type", equalTo("history"))
                .body("entry[0].resource.total", equalTo(2))
                .body("entry[0].resource.entry.resource.meta.versionId", equalTo(List.of("2", "1")))
                .body("entry[0].resource.entry.request.method", equalTo(List.of("PUT", "POST")))
                .body("entry[1].resource.entry.size()", equalTo(1))
                .body("entry[1].resource.link.find { it.relation == 'next' }.url", containsString("_cursor="))
                .body("entry[3].resource.meta.versionId", equalTo("1"))
                .body("entry[4].resource.type", equalTo("history"))
                .body("entry[4].resource.entry.size()", equalTo(1))
                .body("entry[5].resource", org.hamcrest.Matchers.nullValue());
        // The very Bundle the direct GET answers (the instance and type histories; the system history moves on with
        // the audit trail's own writes).
        for (int i = 0; i < 3; i++) {
            Object direct = given().accept(FHIR_JSON).urlEncodingEnabled(false).when().get("/fhir/" + urls.get(i))
                    .then().statusCode(200).extract().path("$");
            assertThat((Object) response.path("entry[" + i + "].resource")).as(urls.get(i)).isEqualTo(direct);
        }
    }

    @Test
    void historyEntriesFailAsTheDirectGetDoesAndOtherUnsupportedGetsGetTheirOwn4xx() {
        String id = createPatient(unique("MRN"));
        Response response = postBundle(bundle("batch",
                entry(null, null, "GET", "Patient/" + unique("missing") + "/_history"),
                entry(null, null, "GET", "Patient/_history?_count=banana"),
                entry(null, null, "GET", "_history?_since=yesterday"),
                entry(null, null, "DELETE", "Patient/" + id + "/_history"),
                entry(null, null, "GET", "metadata"),
                entry(null, null, "GET", "Patient/" + id + "/$everything"),
                entry(null, null, "GET", "Patient/" + id + "/_history/1/extra"),
                entry(null, null, "GET", "Patient/" + id + "/_history")));
        response.then().statusCode(200)
                .body("entry.response.status", equalTo(List.of("404 Not Found", "400 Bad Request", "400 Bad Request",
                        "405 Method Not Allowed", "400 Bad Request", "400 Bad Request", "400 Bad Request", "200 OK")))
                .body("entry[0..6].response.outcome.resourceType", equalTo(java.util.Collections.nCopies(7,
                        "OperationOutcome")))
                .body("entry[1].response.outcome.issue[0].diagnostics", containsString("_count"))
                .body("entry[2].response.outcome.issue[0].diagnostics", containsString("_since"))
                .body("entry[3].response.outcome.issue[0].diagnostics", containsString("GET"))
                .body("entry[5].response.outcome.issue[0].diagnostics", containsString("operations are not supported"))
                .body("entry[7].resource.total", equalTo(1));
        postBundle(bundle("batch", entry(null, "{\"resourceType\": \"Patient\"}", "POST", "Patient/$validate")))
                .then().statusCode(200).body("entry[0].response.status", equalTo("400 Bad Request"))
                .body("entry[0].response.outcome.issue[0].diagnostics", containsString("invoke $validate directly"));
        given().accept(FHIR_JSON).when().get("/fhir/Patient/" + id).then().statusCode(200);
    }

    @Test
    void getEntriesAreShapedByTheirSummaryAndElementsAsTheDirectGetIs() {
        String id = createPatient(unique("MRN"));
        given().contentType(FHIR_JSON).body(patient(id, unique("MRN"), "Shapedmother")).when()
                .put("/fhir/Patient/" + id).then().statusCode(200);
        given().contentType(FHIR_JSON).body(condition("Patient/" + id)).when().post("/fhir/Condition")
                .then().statusCode(201);
        String conditions = "Condition?subject=Patient/" + id;
        List<String> urls = new java.util.ArrayList<>();
        for (String summary : List.of("true", "text", "data", "count", "false")) {
            urls.add("Patient/" + id + "?_summary=" + summary);
            urls.add("Patient/" + id + "/_history/1?_summary=" + summary);
            urls.add(conditions + "&_summary=" + summary);
            urls.add("Patient/" + id + "/_history?_summary=" + summary);
        }
        urls.addAll(List.of("Patient/" + id + "?_elements=gender", "Patient/" + id + "/_history/1?_elements=name",
                conditions + "&_elements=code,subject", "Patient/" + id + "/_history?_elements=gender",
                "Patient/_history?_count=2&_summary=true", "CarePlan?patient=Patient/" + id + "&_summary=count",
                "Patient/" + id + "?_elements=Patient.gender&_summary=true"));
        // _format and _pretty are HTTP matters: inside a Bundle they change nothing.
        Map<String, String> ignoring = Map.of(
                "Patient/" + id + "?_format=xml&_elements=gender", "Patient/" + id + "?_elements=gender",
                conditions + "&_pretty=true&_summary=true", conditions + "&_summary=true");
        List<String> batchUrls = new java.util.ArrayList<>(urls);
        List<String> directUrls = new java.util.ArrayList<>(urls);
        ignoring.forEach((inBatch, direct) -> {
            batchUrls.add(inBatch);
            directUrls.add(direct);
        });
        Response response = postBundle(bundle("batch",
                batchUrls.stream().map(url -> entry(null, null, "GET", url)).toArray(String[]::new)));

        response.then().statusCode(200)
                .body("entry.response.status", equalTo(java.util.Collections.nCopies(batchUrls.size(), "200 OK")))
                // Not vacuous: the entries are subsets, tagged as the direct GET tags them.
                .body("entry[0].resource.meta.tag.code", org.hamcrest.Matchers.hasItem("SUBSETTED"))
                .body("entry[2].resource.entry[0].resource.meta.tag.code",
                        org.hamcrest.Matchers.hasItem("SUBSETTED"))
                .body("entry[%d].resource.name".formatted(urls.indexOf("Patient/" + id + "?_elements=gender")),
                        org.hamcrest.Matchers.nullValue())
                .body("entry[%d].resource.entry".formatted(urls.indexOf(conditions + "&_summary=count")),
                        org.hamcrest.Matchers.nullValue());
        for (int i = 0; i < batchUrls.size(); i++) {
            Object direct = given().accept(FHIR_JSON).urlEncodingEnabled(false).when()
                    .get("/fhir/" + directUrls.get(i)).then().statusCode(200).extract().path("$");
            assertThat((Object) response.path("entry[" + i + "].resource")).as(batchUrls.get(i)).isEqualTo(direct);
        }
    }

    @Test
    void malformedSummaryOrElementsFailTheirEntryAsTheDirectGetFails() {
        String id = createPatient(unique("MRN"));
        List<String> urls = List.of("Patient/" + id + "?_summary=banana",
                "Patient/" + id + "/_history/1?_summary=banana", "Patient?_id=" + id + "&_summary=banana",
                "Patient/" + id + "/_history?_summary=banana", "Patient/_history?_summary=banana",
                "Patient/" + id + "?_elements=1gender", "Patient?_id=" + id + "&_elements=name.",
                "Patient/" + id + "/_history?_elements=a-b", "Patient/" + unique("missing") + "?_summary=banana");
        List<String> entries = new java.util.ArrayList<>(
                urls.stream().map(url -> entry(null, null, "GET", url)).toList());
        entries.add(entry(null, null, "GET", "Patient/" + id + "?_summary=true"));
        Response response = postBundle(bundle("batch", entries.toArray(String[]::new)));

        response.then().statusCode(200)
                .body("entry[%d].response.status".formatted(urls.size()), equalTo("200 OK"));
        for (int i = 0; i < urls.size(); i++) {
            Response direct = given().accept(FHIR_JSON).urlEncodingEnabled(false).when().get("/fhir/" + urls.get(i));
            assertThat((String) response.path("entry[" + i + "].response.status")).as(urls.get(i))
                    .startsWith(direct.statusCode() + " ");
            assertThat((Object) response.path("entry[" + i + "].response.outcome")).as(urls.get(i))
                    .isEqualTo(direct.path("$"));
            assertThat((Object) response.path("entry[" + i + "].resource")).as(urls.get(i)).isNull();
        }
        assertThat((String) response.path("entry[0].response.status")).isEqualTo("400 Bad Request");
        assertThat((String) response.path("entry[0].response.outcome.issue[0].diagnostics")).contains("banana");
    }

    @Test
    void vreadEntriesOfVersionIdsThatAreNoVersionAnswerAsTheDirectVread() {
        String id = createPatient(unique("MRN"));
        List<String> urls = List.of("Patient/" + id + "/_history/abc", "Patient/" + id + "/_history/0",
                "Patient/" + id + "/_history/-1", "Patient/" + id + "/_history/99999999999",
                "Patient/" + id + "/_history/1", "Patient/" + id + "/_history/%31?_summary=true");
        Response response = postBundle(bundle("batch",
                urls.stream().map(url -> entry(null, null, "GET", url)).toArray(String[]::new)));

        response.then().statusCode(200)
                .body("entry.response.status", equalTo(List.of("404 Not Found", "404 Not Found", "404 Not Found",
                        "404 Not Found", "200 OK", "200 OK")))
                .body("entry[0].response.outcome.issue[0].diagnostics", containsString("Version 'abc'"));
        for (int i = 0; i < urls.size(); i++) {
            Response direct = given().accept(FHIR_JSON).urlEncodingEnabled(false).when().get("/fhir/" + urls.get(i));
            String status = response.path("entry[" + i + "].response.status");
            assertThat(status).as(urls.get(i)).startsWith(direct.statusCode() + " ");
            assertThat((Object) response.path("entry[" + i + (status.startsWith("200") ? "].resource"
                    : "].response.outcome"))).as(urls.get(i)).isEqualTo(direct.path("$"));
        }
    }
}
