package health.ductcare.search;

import static health.ductcare.search.SearchSupport.FHIR_JSON;
import static health.ductcare.search.SearchSupport.create;
import static health.ductcare.search.SearchSupport.matchIds;
import static health.ductcare.search.SearchSupport.search;
import static health.ductcare.search.SearchSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code _sort} by any string, token, number, quantity, uri, reference or date parameter, on several keys. */
@QuarkusTest
class SortTest {

    @TestHTTPResource("/fhir")
    URL fhirBase;

    private String tag;
    private String ada;
    private String bea;
    private String cyd;
    private String dot;
    private String nameless;

    private String patient(String family, String gender, String birthDate) {
        return create("Patient", """
                {"resourceType": "Patient", "identifier": [{"system": "urn:test:sort", "value": "%s"}],
                 %s "gender": "%s", "birthDate": "%s"}""".formatted(tag,
                family == null ? "" : "\"name\": [{\"family\": \"" + family + "\"}],", gender, birthDate));
    }

    @BeforeEach
    void fivePatients() {
        tag = "sort-" + unique();
        cyd = patient("Cyd", "female", "1990-01-01");
        ada = patient("ada", "male", "1985-05-05");
        nameless = patient(null, "female", "1995-01-01");
        dot = patient("Dot", "female", "1980-01-01");
        bea = patient("Bea", "male", "1999-09-09");
    }

    private List<String> sorted(String sort) {
        return matchIds(search("Patient?identifier=urn:test:sort|" + tag + "&_sort=" + sort));
    }

    @Test
    void sortsByAStringWithoutRegardToCaseAndPutsTheMissingLast() {
        assertThat(sorted("family")).containsExactly(ada, bea, cyd, dot, nameless);
        assertThat(sorted("-family")).containsExactly(dot, cyd, bea, ada, nameless);
    }

    @Test
    void sortsBySeveralKeysInTurn() {
        assertThat(sorted("gender,-birthdate")).containsExactly(nameless, cyd, dot, bea, ada);
        assertThat(sorted("-gender,family")).containsExactly(ada, bea, cyd, dot, nameless);
        List<String> byId = new ArrayList<>(sorted("_id"));
        assertThat(byId).containsExactlyInAnyOrder(ada, bea, cyd, dot, nameless);
        java.util.Collections.reverse(byId);
        assertThat(sorted("-_id")).containsExactlyElementsOf(byId);
    }

    @Test
    void sortsByTokensNumbersAndQuantities() {
        String code = "sq-" + unique();
        String low = observation(code, "preliminary", "36.5");
        String high = observation(code, "final", "39.1");
        String mid = observation(code, "amended", "37.8");
        assertThat(matchIds(search("Observation?code=" + code + "&_sort=-value-quantity")))
                .containsExactly(high, mid, low);
        assertThat(matchIds(search("Observation?code=" + code + "&_sort=status"))).containsExactly(mid, high, low);
    }

    private static String observation(String code, String status, String celsius) {
        return create("Observation", """
                {"resourceType": "Observation", "status": "%s",
                 "code": {"coding": [{"system": "urn:test:sort", "code": "%s"}]},
                 "valueQuantity": {"value": %s, "unit": "Cel", "system": "http://unitsofmeasure.org", "code": "Cel"}}"""
                .formatted(status, code, celsius));
    }

    @Test
    void pagesForwardAndBackInTheSortedOrder() {
        List<String> all = sorted("family");
        List<String> forward = new ArrayList<>();
        Response page = search("Patient?identifier=urn:test:sort|" + tag + "&_sort=family&_count=2");
        Response last = page;
        while (page != null) {
            forward.addAll(matchIds(page));
            assertThat((Integer) page.path("total")).isEqualTo(5);
            last = page;
            String next = page.path("link.find { it.relation == 'next' }.url");
            page = next == null ? null : given().accept(FHIR_JSON).urlEncodingEnabled(false).get(next);
        }
        assertThat(forward).containsExactlyElementsOf(all);
        assertThat(matchIds(last)).containsExactly(nameless);
        String previous = last.path("link.find { it.relation == 'previous' }.url");
        assertThat(matchIds(given().accept(FHIR_JSON).urlEncodingEnabled(false).get(previous)))
                .containsExactly(cyd, dot);
        // a position from one kind of sort is no position in the other
        String self = last.path("link.find { it.relation == 'self' }.url");
        String cursor = self.substring(self.indexOf("_cursor=") + "_cursor=".length());
        search("Patient?identifier=urn:test:sort|" + tag + "&_sort=birthdate&_cursor=" + cursor)
                .then().statusCode(400);
    }

    @Test
    void anUnsortableKeyIsA400UnlessLenient() {
        Response strict = search("Patient?identifier=urn:test:sort|" + tag + "&_sort=family,nope");
        assertThat(strict.statusCode()).isEqualTo(400);
        assertThat((String) strict.path("issue[0].diagnostics")).contains("'nope'");
        Response lenient = given().accept(FHIR_JSON).header("Prefer", "handling=lenient")
                .get("/fhir/Patient?identifier=urn:test:sort|" + tag + "&_sort=family,nope");
        assertThat(matchIds(lenient)).hasSize(5);
    }

    @Test
    void aHapiGenericClientSortsBySeveralKeys() {
        FhirContext context = FhirContext.forR4Cached();
        context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        IGenericClient client = context.newRestfulGenericClient(fhirBase.toString());
        Bundle bundle = client.search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndCode("urn:test:sort", tag))
                .sort().ascending(Patient.GENDER).sort().descending(Patient.BIRTHDATE)
                .returnBundle(Bundle.class).execute();
        assertThat(bundle.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactly(nameless, cyd, dot, bea, ada);
    }
}
