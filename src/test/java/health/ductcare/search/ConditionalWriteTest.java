package health.ductcare.search;

import static health.ductcare.search.SearchSupport.FHIR_JSON;
import static health.ductcare.search.SearchSupport.matchIds;
import static health.ductcare.search.SearchSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.response.Response;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Conditional create, update and delete: 0, 1 and 2+ matches, and races decided by the database. */
@QuarkusTest
class ConditionalWriteTest {

    @TestHTTPResource("/fhir/Patient")
    URL patientUrl;

    private static String patientBody(String mrn, String family) {
        return """
                {"resourceType": "Patient",
                 "identifier": [{"system": "urn:test:cond-mrn", "value": "%s"}],
                 "name": [{"family": "%s"}], "gender": "female"}""".formatted(mrn, family);
    }

    private static Response conditionalCreate(String mrn, String family) {
        return given().contentType(FHIR_JSON).header("If-None-Exist", "identifier=urn:test:cond-mrn|" + mrn)
                .body(patientBody(mrn, family)).post("/fhir/Patient");
    }

    @Test
    void conditionalCreateCreatesOnceThenReturnsTheMatchAnd412ForSeveral() {
        String mrn = "M-" + unique();
        Response first = conditionalCreate(mrn, "First");
        first.then().statusCode(201).header("Location", containsString("/_history/1"));
        String id = first.path("id");

        Response second = conditionalCreate(mrn, "Second");
        second.then().statusCode(200)
                .header("ETag", equalTo("W/\"1\""))
                .header("Location", containsString("/Patient/" + id + "/_history/1"))
                .body("id", equalTo(id))
                .body("name[0].family", equalTo("First"));
        assertThat(matchIds(given().accept(FHIR_JSON).get("/fhir/Patient?identifier=urn:test:cond-mrn|" + mrn)))
                .containsExactly(id);

        // a second resource with the same identifier made without the condition: now the criteria are ambiguous
        given().contentType(FHIR_JSON).body(patientBody(mrn, "Third")).post("/fhir/Patient").then().statusCode(201);
        conditionalCreate(mrn, "Fourth").then().statusCode(412).body("resourceType", equalTo("OperationOutcome"));
        given().contentType(FHIR_JSON).header("If-None-Exist", "shoe-size=4").body(patientBody(mrn, "X"))
                .post("/fhir/Patient").then().statusCode(400);
    }

    @Test
    void aStaleClaimDoesNotBlockANewCreate() {
        String mrn = "S-" + unique();
        String id = conditionalCreate(mrn, "Gone").then().statusCode(201).extract().path("id");
        given().delete("/fhir/Patient/" + id).then().statusCode(200);
        String again = conditionalCreate(mrn, "Back").then().statusCode(201).extract().path("id");
        assertThat(again).isNotEqualTo(id);
        conditionalCreate(mrn, "Again").then().statusCode(200).body("id", equalTo(again));
    }

    @Test
    void conditionalUpdateCreatesUpdatesOrRefuses() {
        String mrn = "U-" + unique();
        String url = "/fhir/Patient?identifier=urn:test:cond-mrn|" + mrn;
        Response created = given().contentType(FHIR_JSON).body(patientBody(mrn, "Before")).put(url);
        created.then().statusCode(201);
        String id = created.path("id");
        given().contentType(FHIR_JSON).body(patientBody(mrn, "After")).put(url)
                .then().statusCode(200).body("id", equalTo(id)).body("meta.versionId", equalTo("2"))
                .body("name[0].family", equalTo("After"));
        given().contentType(FHIR_JSON).body(patientBody(mrn, "Other").replace("{\"resourceType\": \"Patient\",",
                "{\"resourceType\": \"Patient\", \"id\": \"not-" + id + "\",")).put(url).then().statusCode(400);
        given().contentType(FHIR_JSON).body(patientBody(mrn, "Twin")).post("/fhir/Patient").then().statusCode(201);
        given().contentType(FHIR_JSON).body(patientBody(mrn, "Ambiguous")).put(url).then().statusCode(412);
        given().contentType(FHIR_JSON).body(patientBody(mrn, "NoCriteria")).put("/fhir/Patient").then().statusCode(400);
    }

    @Test
    void conditionalDeleteDeletesTheOneMatch() {
        String mrn = "D-" + unique();
        String url = "/fhir/Patient?identifier=urn:test:cond-mrn|" + mrn;
        given().delete(url).then().statusCode(404);
        String id = conditionalCreate(mrn, "Doomed").then().statusCode(201).extract().path("id");
        given().delete(url).then().statusCode(200).header("ETag", equalTo("W/\"2\""));
        given().get("/fhir/Patient/" + id).then().statusCode(410);
        conditionalCreate(mrn, "One").then().statusCode(201);
        given().contentType(FHIR_JSON).body(patientBody(mrn, "Two")).post("/fhir/Patient").then().statusCode(201);
        given().delete(url).then().statusCode(412);
    }

    @Test
    void fiftyConcurrentConditionalCreatesLeaveExactlyOneResource() throws Exception {
        String mrn = "RACE-" + unique();
        HttpClient client = HttpClient.newBuilder().build();
        HttpRequest request = HttpRequest.newBuilder(patientUrl.toURI())
                .header("Content-Type", FHIR_JSON).header("Accept", FHIR_JSON)
                .header("If-None-Exist", "identifier=urn:test:cond-mrn%7C" + mrn)
                .POST(HttpRequest.BodyPublishers.ofString(patientBody(mrn, "Racer")))
                .build();
        int racers = 50;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            Callable<HttpResponse<String>> call = () -> {
                start.await();
                return client.send(request, HttpResponse.BodyHandlers.ofString());
            };
            answers.add(pool.submit(call));
        }
        start.countDown();
        int created = 0;
        Set<String> locations = new HashSet<>();
        for (Future<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get(120, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
            if (response.statusCode() == 201) {
                created++;
            }
            String location = response.headers().firstValue("Location").orElseThrow();
            locations.add(URI.create(location).getPath().replaceAll("/_history/.*", ""));
        }
        pool.shutdown();
        assertThat(created).isEqualTo(1);
        assertThat(locations).hasSize(1);
        List<String> ids = matchIds(given().accept(FHIR_JSON).get("/fhir/Patient?identifier=urn:test:cond-mrn|" + mrn));
        assertThat(ids).hasSize(1);
        assertThat(locations.iterator().next()).endsWith("/Patient/" + ids.get(0));
    }
}
