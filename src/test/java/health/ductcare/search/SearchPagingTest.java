package health.ductcare.search;

import static health.ductcare.search.SearchSupport.FHIR_JSON;
import static health.ductcare.search.SearchSupport.create;
import static health.ductcare.search.SearchSupport.matchIds;
import static health.ductcare.search.SearchSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Keyset paging: stable while other clients write, with next and previous links that carry their position. */
@QuarkusTest
class SearchPagingTest {

    @TestHTTPResource("/fhir")
    URL fhirBase;

    private static String observation(String code, String effective) {
        return create("Observation", """
                {"resourceType": "Observation", "status": "final",
                 "code": {"coding": [{"system": "urn:test:paging", "code": "%s"}]},
                 "subject": {"reference": "Patient/paging"},
                 "effectiveDateTime": "%s"}""".formatted(code, effective));
    }

    private static String link(Response page, String relation) {
        return page.path("link.find { it.relation == '" + relation + "' }.url");
    }

    @Test
    void pagesAcrossThreePlusPagesWhileOthersWriteWithoutDropsOrRepeats() throws Exception {
        String code = "page-" + unique();
        List<String> created = new ArrayList<>();
        for (int day = 1; day <= 7; day++) {
            created.add(observation(code, "2025-04-0" + day + "T08:00:00Z"));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<Integer> concurrentWrites = writer.submit(() -> {
            int written = 0;
            while (writing.get() && written < 40) {
                // same code, so each new one matches the search; plus an unrelated one
                observation(code, "2025-04-0" + (1 + written % 7) + "T09:00:00Z");
                observation("other-" + code, "2025-04-01T09:00:00Z");
                written++;
            }
            return written;
        });
        try {
            List<String> seen = new ArrayList<>();
            List<String> pageUrls = new ArrayList<>();
            Response page = given().accept(FHIR_JSON).get("/fhir/Observation?code=" + code + "&_count=2");
            int total = page.path("total");
            assertThat(total).isGreaterThanOrEqualTo(7);
            seen.addAll(matchIds(page));
            int pages = 1;
            String next = link(page, "next");
            while (next != null) {
                pageUrls.add(next);
                Thread.sleep(50); // let the writer get in between pages
                page = given().accept(FHIR_JSON).get(next);
                assertThat((Integer) page.path("total")).isEqualTo(total); // the snapshot does not move
                seen.addAll(matchIds(page));
                assertThat(link(page, "previous")).isNotNull();
                next = link(page, "next");
                pages++;
            }
            assertThat(pages).isGreaterThanOrEqualTo(4);
            assertThat(seen).doesNotHaveDuplicates().hasSize(total).containsAll(created);

            // walking back with the previous links gives the same pages in reverse
            String previous = link(page, "previous");
            List<String> backwards = new ArrayList<>(matchIds(page));
            while (previous != null) {
                Response earlier = given().accept(FHIR_JSON).get(previous);
                List<String> ids = matchIds(earlier);
                backwards.addAll(0, ids);
                previous = link(earlier, "previous");
            }
            assertThat(backwards).isEqualTo(seen);
            // a page link is stateless: it answers the same later, after more writes
            List<String> again = matchIds(given().accept(FHIR_JSON).get(pageUrls.get(0)));
            assertThat(again).isEqualTo(seen.subList(2, 4));
        } finally {
            writing.set(false);
            assertThat(concurrentWrites.get(60, TimeUnit.SECONDS)).isPositive();
            writer.shutdown();
        }
    }

    @Test
    void aHapiGenericClientSearchesAndPages() {
        String code = "client-" + unique();
        List<String> created = new ArrayList<>();
        for (int day = 1; day <= 5; day++) {
            created.add(observation(code, "2025-07-0" + day + "T08:00:00Z"));
        }
        FhirContext context = FhirContext.forR4Cached();
        context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        IGenericClient client = context.newRestfulGenericClient(fhirBase.toString());
        Bundle page = client.search().forResource(Observation.class)
                .where(Observation.CODE.exactly().systemAndCode("urn:test:paging", code))
                .and(Observation.DATE.afterOrEquals().day("2025-07-01"))
                .count(2).returnBundle(Bundle.class).execute();
        assertThat(page.getTotal()).isEqualTo(5);
        List<String> seen = new ArrayList<>();
        while (true) {
            page.getEntry().forEach(e -> seen.add(e.getResource().getIdElement().getIdPart()));
            if (page.getLink(Bundle.LINK_NEXT) == null) {
                break;
            }
            page = client.loadPage().next(page).execute();
        }
        assertThat(seen).containsExactlyElementsOf(created);
    }

    @Test
    void everyPageKeepsTheShapeTheFirstWasAskedFor() {
        String code = "shape-" + unique();
        for (int day = 1; day <= 3; day++) {
            observation(code, "2025-08-0" + day + "T08:00:00Z");
        }
        Response first = given().accept(FHIR_JSON)
                .get("/fhir/Observation?code=" + code + "&_count=2&_elements=status&_pretty=false");
        assertThat(first.statusCode()).isEqualTo(200);
        String next = link(first, "next");
        assertThat(link(first, "self")).contains("_elements=status").contains("_pretty=false");
        assertThat(next).contains("_elements=status").contains("_pretty=false");

        Response second = given().accept(FHIR_JSON).get(next);
        assertThat(second.statusCode()).isEqualTo(200);
        List<Object> resources = second.path("entry.resource");
        assertThat(resources).hasSize(1);
        assertThat((String) second.path("entry[0].resource.status")).isEqualTo("final");
        assertThat((Object) second.path("entry[0].resource.effectiveDateTime")).isNull();
        assertThat((Object) second.path("entry[0].resource.subject")).isNull();
        assertThat((List<String>) second.path("entry[0].resource.meta.tag.code")).contains("SUBSETTED");
    }

    @Test
    void everyHistoryPageKeepsTheShapeTheFirstWasAskedFor() {
        String id = observation("history-shape-" + unique(), "2025-08-01T08:00:00Z");
        for (int version = 2; version <= 3; version++) {
            given().contentType(FHIR_JSON).body("""
                    {"resourceType": "Observation", "id": "%s", "status": "amended",
                     "code": {"coding": [{"system": "urn:test:paging", "code": "v%d"}]},
                     "subject": {"reference": "Patient/paging"}}""".formatted(id, version))
                    .put("/fhir/Observation/" + id).then().statusCode(200);
        }
        Response first = given().accept(FHIR_JSON)
                .get("/fhir/Observation/" + id + "/_history?_count=1&_summary=data&_format=json");
        String next = link(first, "next");
        assertThat(next).contains("_summary=data").contains("_format=json");

        Response second = given().get(next);
        assertThat(second.contentType()).startsWith(FHIR_JSON);
        assertThat((String) second.path("entry[0].resource.meta.versionId")).isEqualTo("2");
        assertThat((List<String>) second.path("entry[0].resource.meta.tag.code")).contains("SUBSETTED");
        assertThat((String) second.path("entry[0].resource.code.coding[0].code")).isEqualTo("v2");
    }

    @Test
    void pagesInDateOrderDescending() {
        String code = "sorted-" + unique();
        List<String> byDate = new ArrayList<>();
        for (int day = 1; day <= 5; day++) {
            byDate.add(0, observation(code, "2025-05-0" + day + "T08:00:00Z"));
        }
        List<String> seen = new ArrayList<>();
        String url = "/fhir/Observation?code=" + code + "&_sort=-date&_count=2";
        while (url != null) {
            Response page = given().accept(FHIR_JSON).get(url);
            seen.addAll(matchIds(page));
            url = link(page, "next");
        }
        assertThat(seen).isEqualTo(byDate);
    }

    @Test
    void defaultAndMaximumPageSize() {
        String code = "size-" + unique();
        for (int i = 0; i < 23; i++) {
            observation(code, "2025-06-01T08:00:00Z");
        }
        Response first = given().accept(FHIR_JSON).get("/fhir/Observation?code=" + code);
        assertThat(matchIds(first)).hasSize(20);
        assertThat((Integer) first.path("total")).isEqualTo(23);
        Response capped = given().accept(FHIR_JSON).get("/fhir/Observation?code=" + code + "&_count=5000");
        assertThat(matchIds(capped)).hasSize(23);
        assertThat(link(capped, "self")).contains("_count=1000");
        given().accept(FHIR_JSON).get("/fhir/Observation?code=" + code + "&_cursor=garbage")
                .then().statusCode(400);
    }
}
