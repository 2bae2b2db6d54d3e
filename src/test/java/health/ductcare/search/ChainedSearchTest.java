package health.ductcare.search;

import static health.ductcare.search.SearchSupport.FHIR_JSON;
import static health.ductcare.search.SearchSupport.condition;
import static health.ductcare.search.SearchSupport.create;
import static health.ductcare.search.SearchSupport.matchIds;
import static health.ductcare.search.SearchSupport.patient;
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
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Chained parameters (search.html#chaining) and reverse chains (search.html#has): a portal that knows a mother
 * by her record number finds her Conditions and CarePlans in one search, and finds the patients that have a
 * given diagnosis.
 */
@QuarkusTest
class ChainedSearchTest {

    @TestHTTPResource("/fhir")
    URL fhirBase;

    private String mrn;
    private String mother;
    private String other;
    private String motherCondition;
    private String otherCondition;
    private String family;

    @BeforeEach
    void twoMothers() {
        mrn = "MRN-" + unique();
        family = "Chain" + unique().replace("-", "");
        mother = patient(family, "Eva", "female", "1991-03-04", mrn);
        other = patient("Other" + unique().replace("-", ""), "Ida", "female", "1988-01-02", "MRN-" + unique());
        motherCondition = condition(mother, "18347007", "active", "2025-05-01T08:00:00Z", "2025-05-01T08:00:00Z",
                "c-" + unique());
        otherCondition = condition(other, "18347007", "active", "2025-05-01T08:00:00Z", "2025-05-01T08:00:00Z",
                "c-" + unique());
    }

    @Test
    void chainsThroughAReferenceToTheTypeItNamesOrToEachTargetThatHasTheParameter() {
        assertThat(matchIds(search("Condition?subject:Patient.identifier=urn:test:mrn|" + mrn)))
                .containsExactly(motherCondition);
        assertThat(matchIds(search("Condition?patient.identifier=" + mrn))).containsExactly(motherCondition);
        // subject may point at a Patient or a Group: both are searched, the Patient matches
        assertThat(matchIds(search("Condition?subject.identifier=urn:test:mrn|" + mrn)))
                .containsExactly(motherCondition);
        assertThat(matchIds(search("Condition?subject:Patient.name=" + family))).containsExactly(motherCondition);
        assertThat(matchIds(search("Condition?subject:Patient.birthdate=1991-03-04")))
                .contains(motherCondition).doesNotContain(otherCondition);
        assertThat(matchIds(search("Condition?subject:Patient.identifier=urn:test:mrn|nobody-" + unique())))
                .isEmpty();
    }

    @Test
    void chainedValuesCombineAsPlainOnesDo() {
        // comma: either value; repeated parameter: both
        assertThat(matchIds(search("Condition?patient.identifier=" + mrn + ",nobody&code=18347007")))
                .containsExactly(motherCondition);
        assertThat(matchIds(search("Condition?patient.identifier=" + mrn + "&patient.gender=male"))).isEmpty();
        assertThat(matchIds(search("Condition?patient.name:exact=" + family))).containsExactly(motherCondition);
    }

    @Test
    void chainsTwoReferencesDeep() {
        String plan = create("CarePlan", """
                {"resourceType": "CarePlan", "status": "draft", "intent": "proposal",
                 "subject": {"reference": "Patient/%s"}, "addresses": [{"reference": "Condition/%s"}]}"""
                .formatted(mother, motherCondition));
        assertThat(matchIds(search("CarePlan?condition.subject:Patient.identifier=urn:test:mrn|" + mrn)))
                .containsExactly(plan);
        assertThat(matchIds(search("CarePlan?condition.patient.name=" + family))).containsExactly(plan);
    }

    @Test
    void reverseChainFindsTheResourcesOthersPointAt() {
        String code = "rc-" + unique();
        create("Observation", """
                {"resourceType": "Observation", "status": "final",
                 "code": {"coding": [{"system": "urn:test:chain", "code": "%s"}]},
                 "subject": {"reference": "Patient/%s"}}""".formatted(code, mother));
        assertThat(matchIds(search("Patient?_has:Observation:subject:code=urn:test:chain|" + code)))
                .containsExactly(mother);
        assertThat(matchIds(search("Patient?_has:Observation:patient:code=" + code + "&_id=" + mother + "," + other)))
                .containsExactly(mother);
        assertThat(matchIds(search("Patient?_has:Observation:subject:code=" + code + "&_id=" + other))).isEmpty();
        // a reverse chain whose own parameter is chained
        assertThat(matchIds(search("Patient?_has:Condition:subject:subject:Patient.identifier=urn:test:mrn|" + mrn)))
                .containsExactly(mother);
        // and a chain through a reverse chain
        assertThat(matchIds(search("Condition?subject:Patient._has:Observation:subject:code=" + code)))
                .containsExactly(motherCondition);
    }

    @Test
    void aDeletedResourceNoLongerMatchesAChain() {
        String code = "del-" + unique();
        String observation = create("Observation", """
                {"resourceType": "Observation", "status": "final",
                 "code": {"coding": [{"system": "urn:test:chain", "code": "%s"}]},
                 "subject": {"reference": "Patient/%s"}}""".formatted(code, mother));
        assertThat(matchIds(search("Patient?_has:Observation:subject:code=" + code))).containsExactly(mother);
        given().delete("/fhir/Observation/" + observation).then().statusCode(org.hamcrest.Matchers.oneOf(200, 204));
        assertThat(matchIds(search("Patient?_has:Observation:subject:code=" + code))).isEmpty();
    }

    @Test
    void theLinksCarryTheChain() {
        Response page = search("Condition?patient.identifier=" + mrn);
        assertThat((String) page.path("link.find { it.relation == 'self' }.url"))
                .contains("patient.identifier=" + mrn);
        Response self = given().accept(FHIR_JSON).urlEncodingEnabled(false)
                .get((String) page.path("link.find { it.relation == 'self' }.url"));
        assertThat(matchIds(self)).containsExactly(motherCondition);
    }

    @Test
    void chainsThatCannotBeAnsweredAre400sNamingTheProblem() {
        assertBadChain("Condition?code.name=x", "not a reference parameter");
        assertBadChain("Condition?nope.name=x", "Unknown search parameter 'nope'");
        assertBadChain("Condition?subject.nope=x", "has a search parameter 'nope'");
        assertBadChain("Condition?subject:Practitioner.name=x", "Modifier ':Practitioner'");
        assertBadChain("Condition?subject:missing.name=x", "cannot be chained");
        assertBadChain("Observation?focus.name=x", "name the type");
        assertBadChain("Patient?_has:Nope:subject:code=x", "Unknown resource type 'Nope'");
        assertBadChain("Patient?_has:Observation:code:code=x", "not a reference parameter");
        assertBadChain("Patient?_has:Observation:subject=x", "_has:Type:reference:parameter");
        assertBadChain("Patient?_has:Condition:encounter:code=x", "does not point at Patient");
        assertBadChain("CarePlan?condition.subject:Patient.organization.partof.name=x", "chains more than 3");
        // a bad value deep in a chain is as much a 400 as a plain one
        Response badValue = search("Condition?patient.birthdate=not-a-date");
        assertThat(badValue.statusCode()).isEqualTo(400);
        assertThat((String) badValue.path("resourceType")).isEqualTo("OperationOutcome");
    }

    @Test
    void randomChainsNeverGetA5xx() {
        java.util.Random random = new java.util.Random(20261124);
        String[] pieces = {"subject", "patient", "Patient", "condition", "identifier", "name", "_has", "Condition",
            "Observation", "code", "_id", "missing", "exact", "not", "", "focus", "organization", "partof", "x"};
        String[] separators = {".", ":", ".", ":"};
        String[] types = {"Condition", "CarePlan", "Patient", "Observation"};
        for (int i = 0; i < 150; i++) {
            StringBuilder name = new StringBuilder(random.nextBoolean() ? "_has:" : "");
            int parts = 1 + random.nextInt(6);
            for (int p = 0; p < parts; p++) {
                name.append(pieces[random.nextInt(pieces.length)]);
                if (p < parts - 1) {
                    name.append(separators[random.nextInt(separators.length)]);
                }
            }
            String query = types[random.nextInt(types.length)] + "?" + name + "=" + (random.nextBoolean() ? "x" : "");
            Response response = given().accept(FHIR_JSON).urlEncodingEnabled(true).get("/fhir/" + query);
            assertThat(response.statusCode()).as(query).isIn(200, 400, 403);
            if (response.statusCode() != 200) {
                assertThat((String) response.path("resourceType")).as(query).isEqualTo("OperationOutcome");
            }
        }
    }

    @Test
    void aLenientSearchIgnoresAChainItCannotAnswer() {
        Response response = given().accept(FHIR_JSON).header("Prefer", "handling=lenient")
                .get("/fhir/Condition?subject.nope=x&_id=" + motherCondition);
        assertThat(matchIds(response)).containsExactly(motherCondition);
    }

    @Test
    void aHapiGenericClientSearchesByChainAndReverseChain() {
        FhirContext context = FhirContext.forR4Cached();
        context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        IGenericClient client = context.newRestfulGenericClient(fhirBase.toString());
        Bundle byChain = client.search().forResource(Condition.class)
                .where(Condition.SUBJECT.hasChainedProperty("Patient",
                        Patient.IDENTIFIER.exactly().systemAndCode("urn:test:mrn", mrn)))
                .returnBundle(Bundle.class).execute();
        assertThat(ids(byChain)).containsExactly(motherCondition);
        Bundle byHas = client.search().forResource(Patient.class)
                .whereMap(Map.of("_has:Condition:subject:_id", List.of(motherCondition)))
                .returnBundle(Bundle.class).execute();
        assertThat(ids(byHas)).containsExactly(mother);
    }

    private static List<String> ids(Bundle bundle) {
        return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
    }

    private static void assertBadChain(String query, String expected) {
        Response response = search(query);
        assertThat(response.statusCode()).as(query).isEqualTo(400);
        assertThat((String) response.path("issue[0].diagnostics")).as(query).contains(expected);
    }
}
