package health.ductcare.search;

import static health.ductcare.search.SearchSupport.FHIR_JSON;
import static health.ductcare.search.SearchSupport.condition;
import static health.ductcare.search.SearchSupport.create;
import static health.ductcare.search.SearchSupport.includedIds;
import static health.ductcare.search.SearchSupport.matchIds;
import static health.ductcare.search.SearchSupport.patient;
import static health.ductcare.search.SearchSupport.search;
import static health.ductcare.search.SearchSupport.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.junit.jupiter.api.Test;

/** Every search parameter type, modifier and prefix over HTTP, plus includes and lenient/strict handling. */
@QuarkusTest
class SearchParametersTest {

    @Inject
    SearchService searchService;

    @Inject
    EntityManager entityManager;

    static String medicationRequest(String patientId, String status, String intent, String rxnorm, String authoredOn,
            String identifier) {
        return create("MedicationRequest", """
                {"resourceType": "MedicationRequest",
                 "identifier": [{"system": "urn:test:mr", "value": "%s"}],
                 "status": "%s", "intent": "%s",
                 "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "%s"}]},
                 "subject": {"reference": "Patient/%s"},
                 "authoredOn": "%s"}""".formatted(identifier, status, intent, rxnorm, patientId, authoredOn));
    }

    static String observation(String patientId, String loinc, String effective, String value) {
        return create("Observation", """
                {"resourceType": "Observation", "status": "final",
                 "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}],
                 "code": {"coding": [{"system": "http://loinc.org", "code": "%s"}]},
                 "subject": {"reference": "Patient/%s"},
                 "effectiveDateTime": "%s",
                 "valueQuantity": {"value": %s, "unit": "Cel", "system": "http://unitsofmeasure.org", "code": "Cel"}}"""
                .formatted(loinc, patientId, effective, value));
    }

    static String carePlan(String patientId, String conditionId, String status, String start, String end,
            String activityStart, String canonical, String identifier) {
        return create("CarePlan", """
                {"resourceType": "CarePlan",
                 "identifier": [{"system": "urn:test:cp", "value": "%s"}],
                 "instantiatesCanonical": ["%s"],
                 "status": "%s", "intent": "plan",
                 "category": [{"coding": [{"system": "urn:test:cp-category", "code": "physio"}]}],
                 "subject": {"reference": "Patient/%s"},
                 "period": {"start": "%s", "end": "%s"},
                 "addresses": [{"reference": "Condition/%s"}],
                 "activity": [{"detail": {"status": "scheduled", "code": {"text": "Therapeutic ultrasound"},
                    "scheduledPeriod": {"start": "%s", "end": "%s"}}}]}"""
                .formatted(identifier, canonical, status, patientId, start, end, conditionId, activityStart,
                        activityStart));
    }

    // ------------------------------------------------------------------ token

    @Test
    void tokenMatchesBySystemAndCodeByCodeAloneByNoSystemAndNegated() {
        String u = unique();
        String p = patient("Tok" + u, "Ann", "female", "1990-01-01", "MRN-" + u);
        String active = condition(p, "C" + u, "active", "2025-01-01", "2025-01-02", "id-a-" + u);
        String resolved = condition(p, "C" + u, "resolved", "2025-01-01", "2025-01-02", "id-r-" + u);
        String other = condition(p, "D" + u, "active", "2025-01-01", "2025-01-02", "id-o-" + u);

        assertThat(matchIds(search("Condition?code=http://snomed.info/sct|C" + u))).containsExactlyInAnyOrder(active, resolved);
        assertThat(matchIds(search("Condition?code=C" + u))).containsExactlyInAnyOrder(active, resolved);
        assertThat(matchIds(search("Condition?code=http://loinc.org|C" + u))).isEmpty();
        assertThat(matchIds(search("Condition?code=|C" + u))).isEmpty(); // every coding here has a system
        assertThat(matchIds(search("Condition?code=C" + u + "&clinical-status=active"))).containsExactly(active);
        assertThat(matchIds(search("Condition?subject=Patient/" + p + "&clinical-status:not=active")))
                .containsExactly(resolved);
        assertThat(matchIds(search("Condition?subject=Patient/" + p + "&verification-status=confirmed")))
                .containsExactlyInAnyOrder(active, resolved, other);
        assertThat(matchIds(search("Condition?subject=Patient/" + p
                + "&category=http://terminology.hl7.org/CodeSystem/condition-category|problem-list-item")))
                .hasSize(3);
        assertThat(matchIds(search("Condition?identifier=urn:test:cond|id-r-" + u))).containsExactly(resolved);
        assertThat(matchIds(search("Condition?identifier=id-o-" + u))).containsExactly(other);
        // :text matches the display or text, case-insensitively, from its start
        assertThat(matchIds(search("Condition?subject=" + p + "&code:text=blocked DUCT"))).hasSize(3);
        assertThat(matchIds(search("Condition?subject=" + p + "&code:text=mastitis"))).isEmpty();
        // a code without system on a plain code element (MedicationRequest.status)
        String mr = medicationRequest(p, "active", "order", "R" + u, "2025-02-01T10:00:00Z", "mr-" + u);
        assertThat(matchIds(search("MedicationRequest?status=active&code=R" + u))).containsExactly(mr);
    }

    @Test
    void patientParametersTokenStringDate() {
        String u = unique();
        String anna = patient("Müller" + u, "Anna", "female", "1990-04-12", "MRN-A-" + u);
        String bea = patient("Mueller" + u, "Beatrice", "female", "1985-12-31", "MRN-B-" + u);
        String carl = patient("Carlsson" + u, "Carl", "male", "1990-07-01", "MRN-C-" + u);

        assertThat(matchIds(search("Patient?identifier=urn:test:mrn|MRN-B-" + u))).containsExactly(bea);
        // string: starts-with, case and accent insensitive by default
        assertThat(matchIds(search("Patient?family=muller" + u))).containsExactly(anna);
        assertThat(matchIds(search("Patient?family=MÜLLER" + u.substring(0, 4)))).containsExactly(anna);
        assertThat(matchIds(search("Patient?name=mu&given=anna&family:contains=" + u))).containsExactly(anna);
        assertThat(matchIds(search("Patient?family:exact=Müller" + u))).containsExactly(anna);
        assertThat(matchIds(search("Patient?family:exact=müller" + u))).isEmpty();
        assertThat(matchIds(search("Patient?family:contains=ELLER" + u))).containsExactly(bea);
        assertThat(matchIds(search("Patient?name=carl&family:contains=" + u))).containsExactly(carl);
        assertThat(matchIds(search("Patient?gender=male&family:contains=" + u))).containsExactly(carl);
        // date precisions
        assertThat(matchIds(search("Patient?birthdate=1990&family:contains=" + u))).containsExactlyInAnyOrder(anna, carl);
        assertThat(matchIds(search("Patient?birthdate=1990-04&family:contains=" + u))).containsExactly(anna);
        assertThat(matchIds(search("Patient?birthdate=1990-04-12&family:contains=" + u))).containsExactly(anna);
        assertThat(matchIds(search("Patient?birthdate=lt1990&family:contains=" + u))).containsExactly(bea);
        assertThat(matchIds(search("Patient?birthdate=ge1990-07-01&family:contains=" + u))).containsExactly(carl);
        assertThat(matchIds(search("Patient?birthdate=ne1990-04-12&family:contains=" + u))).containsExactlyInAnyOrder(bea, carl);
    }

    @Test
    void dayPrecisionCoversTheWholeDayAndPrefixesFollowTheRangeRules() {
        String u = unique();
        String p = patient("Date" + u, "D", "female", "1990-01-01", "MRN-" + u);
        String first = observation(p, "L" + u, "2025-03-10T00:00:00Z", "37.0");
        String last = observation(p, "L" + u, "2025-03-10T23:59:59.999Z", "37.5");
        String nextDay = observation(p, "L" + u, "2025-03-11T00:00:00Z", "38.5");
        String before = observation(p, "L" + u, "2025-03-09T23:59:59Z", "39.0");
        String q = "Observation?code=L" + u + "&date=";

        assertThat(matchIds(search(q + "2025-03-10"))).containsExactlyInAnyOrder(first, last);
        assertThat(matchIds(search(q + "eq2025-03-10"))).containsExactlyInAnyOrder(first, last);
        assertThat(matchIds(search(q + "ne2025-03-10"))).containsExactlyInAnyOrder(nextDay, before);
        assertThat(matchIds(search(q + "gt2025-03-10"))).containsExactly(nextDay);
        assertThat(matchIds(search(q + "sa2025-03-10"))).containsExactly(nextDay);
        assertThat(matchIds(search(q + "ge2025-03-10"))).containsExactlyInAnyOrder(first, last, nextDay);
        assertThat(matchIds(search(q + "lt2025-03-10"))).containsExactly(before);
        assertThat(matchIds(search(q + "eb2025-03-10"))).containsExactly(before);
        assertThat(matchIds(search(q + "le2025-03-10"))).containsExactlyInAnyOrder(first, last, before);
        assertThat(matchIds(search(q + "2025-03"))).hasSize(4);
        assertThat(matchIds(search(q + "2025-03-10T23:59:59Z"))).containsExactly(last);
        assertThat(matchIds(search(q + "gt2025-03-10T12:00:00Z"))).containsExactlyInAnyOrder(last, nextDay);
        // a time zone: 2025-03-10T01:00+02:00 is 2025-03-09T23:00Z
        assertThat(matchIds(given().accept(FHIR_JSON).queryParam("code", "L" + u)
                .queryParam("date", "lt2025-03-10T02:00:00+02:00").get("/fhir/Observation")))
                .containsExactly(before);
        assertThat(matchIds(search(q + "ap2025-03-10"))).contains(first, last);
        // AND of two date parameters makes a range; OR by comma
        assertThat(matchIds(search(q + "ge2025-03-10&date=lt2025-03-11"))).containsExactlyInAnyOrder(first, last);
        assertThat(matchIds(search(q + "2025-03-09,2025-03-11"))).containsExactlyInAnyOrder(before, nextDay);
        search(q + "2025-13-45").then().statusCode(400).body("resourceType", equalTo("OperationOutcome"));
        assertThat(matchIds(search("Observation?code=L" + u + "&date="))).hasSize(4); // no value: ignored
    }

    @Test
    void quantityAndLastUpdatedAndId() {
        String u = unique();
        String p = patient("Qty" + u, "Q", "female", "1990-01-01", "MRN-" + u);
        String low = observation(p, "Q" + u, "2025-03-10T10:00:00Z", "37.2");
        String high = observation(p, "Q" + u, "2025-03-10T11:00:00Z", "38.6");
        String q = "Observation?code=Q" + u + "&value-quantity=";

        assertThat(matchIds(search(q + "37.2"))).containsExactly(low);
        assertThat(matchIds(search(q + "37"))).containsExactly(low); // 37 means [36.5, 37.5)
        assertThat(matchIds(search(q + "gt38"))).containsExactly(high);
        assertThat(matchIds(search(q + "le37.2"))).containsExactly(low);
        assertThat(matchIds(search(q + "ge37.2|http://unitsofmeasure.org|Cel"))).containsExactlyInAnyOrder(low, high);
        assertThat(matchIds(search(q + "38.6||Cel"))).containsExactly(high);
        assertThat(matchIds(search(q + "38.6|http://unitsofmeasure.org|mg"))).isEmpty();
        assertThat(matchIds(search(q + "lt37,gt38"))).containsExactly(high);
        assertThat(matchIds(search(q + "ne37.2"))).containsExactly(high);
        assertThat(matchIds(search(q + "sa38"))).containsExactly(high);
        assertThat(matchIds(search(q + "eb38"))).containsExactly(low);
        assertThat(matchIds(search(q + "ap38.6"))).containsExactlyInAnyOrder(low, high); // within 10%
        assertThat(matchIds(search(q + "ap42"))).containsExactly(high); // [37.8, 46.2]
        assertThat(matchIds(search("Observation?code=Q" + u + "&subject=Patient/" + p + "&_id=" + high)))
                .containsExactly(high);
        assertThat(matchIds(search("Observation?code=Q" + u + "&_id=" + low + "," + high))).hasSize(2);
        assertThat(matchIds(search("Observation?code=Q" + u + "&_lastUpdated=gt2000-01-01"))).hasSize(2);
        assertThat(matchIds(search("Observation?code=Q" + u + "&_lastUpdated=lt2000-01-01"))).isEmpty();
        String today = given().get("/fhir/Observation/" + low).then().extract().path("meta.lastUpdated");
        assertThat(matchIds(search("Observation?code=Q" + u + "&_lastUpdated=" + today.substring(0, 10))))
                .hasSize(2);
        assertThat(matchIds(search("Observation?code=Q" + u + "&category=laboratory"))).hasSize(2);
        assertThat(matchIds(search("Observation?code=Q" + u + "&patient=" + p))).hasSize(2);
        assertThat(matchIds(search("Observation?code=Q" + u + "&subject=Patient/" + p))).hasSize(2);
    }

    @Test
    void decimalsBeyondTheIndexRangeAreStoredButNotSearchedByValue() {
        String u = unique();
        String p = patient("Big" + u, "B", "female", "1990-01-01", "MRN-" + u);
        String huge = observation(p, "B" + u, "2025-03-10T10:00:00Z", "1e26");
        String tiny = observation(p, "B" + u, "2025-03-10T11:00:00Z", "0.0000000000000001234");
        given().get("/fhir/Observation/" + huge).then().statusCode(200)
                .body("valueQuantity.value", org.hamcrest.Matchers.notNullValue());
        assertThat(matchIds(search("Observation?code=B" + u))).containsExactlyInAnyOrder(huge, tiny);
        assertThat(matchIds(search("Observation?code=B" + u + "&value-quantity=gt1e25"))).isEmpty();
        assertThat(matchIds(search("Observation?code=B" + u + "&value-quantity=lt0.001"))).containsExactly(tiny);
        search("Observation?code=B" + u + "&value-quantity=1e40").then().statusCode(200);
        assertThat(matchIds(search("Observation?code=B" + u + "&value-quantity=lt1e1000"))).containsExactly(tiny);
        // An exponent no amount needs is refused before BigDecimal arithmetic overflows on it (it was a 500).
        for (String number : List.of("1e999999999", "1e-2147483647", "ap1e-2147483647", "1e2147483647|x|y",
                "1e1001")) {
            search("Observation?code=B" + u + "&value-quantity=" + number).then().statusCode(400)
                    .body("resourceType", equalTo("OperationOutcome"))
                    .body("issue[0].code", equalTo("invalid"))
                    .body("issue[0].diagnostics", containsString("exponent is out of range"));
        }
        search("RiskAssessment?probability=1e-999999999").then().statusCode(400)
                .body("issue[0].diagnostics", containsString("Invalid number '1e-999999999'"));
    }

    @Test
    void numberAndUriParametersOfOtherTypes() {
        String u = unique();
        String p = patient("Num" + u, "N", "female", "1990-01-01", "MRN-" + u);
        String low = create("RiskAssessment", """
                {"resourceType": "RiskAssessment", "status": "final", "subject": {"reference": "Patient/%s"},
                 "prediction": [{"probabilityDecimal": 0.25}]}""".formatted(p));
        String high = create("RiskAssessment", """
                {"resourceType": "RiskAssessment", "status": "final", "subject": {"reference": "Patient/%s"},
                 "prediction": [{"probabilityDecimal": 0.8}]}""".formatted(p));
        assertThat(matchIds(search("RiskAssessment?subject=" + p + "&probability=0.25"))).containsExactly(low);
        assertThat(matchIds(search("RiskAssessment?subject=" + p + "&probability=gt0.5"))).containsExactly(high);
        assertThat(matchIds(search("RiskAssessment?subject=" + p + "&probability=le0.8"))).containsExactlyInAnyOrder(low, high);
        search("RiskAssessment?probability=abc").then().statusCode(400);

        String url = "http://example.org/fhir/Questionnaire/duct-" + u;
        String definition = create("Questionnaire", """
                {"resourceType": "Questionnaire", "status": "active", "url": "%s"}""".formatted(url));
        assertThat(matchIds(given().accept(FHIR_JSON).queryParam("url", url).get("/fhir/Questionnaire")))
                .containsExactly(definition);
        assertThat(matchIds(given().accept(FHIR_JSON).queryParam("url:below", "http://example.org/fhir/Questionnaire/duct-" + u.substring(0, 6))
                .get("/fhir/Questionnaire"))).containsExactly(definition);
        assertThat(matchIds(given().accept(FHIR_JSON).queryParam("url", url + "-nope").get("/fhir/Questionnaire")))
                .isEmpty();
        assertThat(matchIds(given().accept(FHIR_JSON).queryParam("url:above", url + "/version/2")
                .get("/fhir/Questionnaire"))).containsExactly(definition);
    }

    @Test
    void referenceFormsAndMissing() {
        String u = unique();
        String p = patient("Ref" + u, "R", "female", "1990-01-01", "MRN-" + u);
        String other = patient("Ref2" + u, "R", "female", "1990-01-01", "MRN2-" + u);
        String c1 = condition(p, "R" + u, "active", "2025-01-01", "2025-01-02", "r1-" + u);
        String c2 = condition(other, "R" + u, "active", "2025-01-01", "2025-01-02", "r2-" + u);
        String base = given().get("/fhir/metadata").then().extract().path("implementation.url");

        assertThat(matchIds(search("Condition?subject=Patient/" + p))).containsExactly(c1);
        assertThat(matchIds(search("Condition?subject=" + p))).containsExactly(c1);
        assertThat(matchIds(search("Condition?patient=" + p))).containsExactly(c1);
        assertThat(matchIds(search("Condition?patient=Patient/" + p))).containsExactly(c1);
        assertThat(matchIds(search("Condition?subject:Patient=" + p))).containsExactly(c1);
        assertThat(matchIds(search("Condition?subject:Group=" + p))).isEmpty();
        assertThat(matchIds(given().accept(FHIR_JSON).queryParam("subject", base + "/Patient/" + p)
                .get("/fhir/Condition"))).containsExactly(c1);
        assertThat(matchIds(search("Condition?subject=Patient/" + p + ",Patient/" + other))).containsExactlyInAnyOrder(c1, c2);
        // repeated parameters are AND: no Condition has both subjects
        assertThat(matchIds(search("Condition?subject=Patient/" + p + "&subject=Patient/" + other))).isEmpty();
        // :missing
        assertThat(matchIds(search("Condition?code=R" + u + "&abatement-date:missing=true"))).hasSize(2);
        assertThat(matchIds(search("Condition?code=R" + u + "&onset-date:missing=false"))).hasSize(2);
        assertThat(matchIds(search("Condition?code=R" + u + "&onset-date:missing=true"))).isEmpty();
        assertThat(matchIds(search("Condition?code=R" + u + "&onset-date=2025-01-01&recorded-date=2025-01-02"))).hasSize(2);
        assertThat(matchIds(search("Condition?code=R" + u + "&recorded-date=2025-01-03"))).isEmpty();
    }

    @Test
    void anAbsoluteReferenceToThisServerIsTheRelativeOneAndAnotherServersIsNot() {
        String u = unique();
        String p = patient("Abs" + u, "A", "female", "1990-01-01", "MRN-" + u);
        String base = given().get("/fhir/metadata").then().extract().path("implementation.url");
        String absolute = base + "/Patient/" + p;
        // Scheme and host in another case, a version and a trailing slash of the base: still this server.
        String upper = base.replaceFirst("^http://localhost", "HTTP://LOCALHOST") + "//Patient/" + p + "/_history/1";
        String foreign = "http://other.example/fhir/Patient/" + p;
        // The path is compared case-sensitively: /FHIR is not this server's base.
        String otherPath = base.replaceFirst("/fhir$", "/FHIR") + "/Patient/" + p;
        String own = medicationRequestFor(absolute, u, "own");
        String ownUpper = medicationRequestFor(upper, u, "upper");
        String theirs = medicationRequestFor(foreign, u, "foreign");
        String theirPath = medicationRequestFor(otherPath, u, "path");

        for (String query : List.of("subject=Patient/" + p, "subject=" + p, "patient=" + p, "patient=Patient/" + p,
                "subject:Patient=" + p, "subject=Patient/" + p + "/_history/3")) {
            assertThat(matchIds(search("MedicationRequest?" + query))).as(query)
                    .containsExactlyInAnyOrder(own, ownUpper);
        }
        assertThat(matchIds(search("MedicationRequest?subject:Group=" + p))).isEmpty();
        for (String value : List.of(absolute, base + "/Patient/" + p + "/_history/1",
                base.replaceFirst("^http://localhost", "http://LocalHost") + "/Patient/" + p)) {
            assertThat(matchIds(given().accept(FHIR_JSON).queryParam("subject", value)
                    .get("/fhir/MedicationRequest"))).as(value).containsExactlyInAnyOrder(own, ownUpper);
        }
        // Another server's references keep their URL and are found by it alone.
        assertThat(matchIds(given().accept(FHIR_JSON).queryParam("subject", foreign)
                .get("/fhir/MedicationRequest"))).containsExactly(theirs);
        assertThat(matchIds(given().accept(FHIR_JSON).queryParam("subject", otherPath)
                .get("/fhir/MedicationRequest"))).containsExactly(theirPath);
        // The stored resource is as the client sent it.
        given().accept(FHIR_JSON).get("/fhir/MedicationRequest/" + own).then().statusCode(200)
                .body("subject.reference", equalTo(absolute));
        given().accept(FHIR_JSON).get("/fhir/MedicationRequest/" + ownUpper).then().statusCode(200)
                .body("subject.reference", equalTo(upper));
        // _include follows the local form to the Patient.
        assertThat(includedIds(given().accept(FHIR_JSON).queryParam("_id", own)
                .queryParam("_include", "MedicationRequest:subject").get("/fhir/MedicationRequest")))
                .containsExactly(p);
    }

    private static String medicationRequestFor(String subject, String u, String name) {
        return create("MedicationRequest", """
                {"resourceType": "MedicationRequest", "status": "active", "intent": "order",
                 "identifier": [{"system": "urn:test:mr", "value": "%s-%s"}],
                 "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "A%s"}]},
                 "subject": {"reference": "%s"}}""".formatted(name, u, u, subject));
    }

    @Test
    void medicationRequestParameters() {
        String u = unique();
        String p = patient("Med" + u, "M", "female", "1990-01-01", "MRN-" + u);
        String order = medicationRequest(p, "active", "order", "M" + u, "2025-02-01T10:00:00Z", "mr1-" + u);
        String plan = medicationRequest(p, "completed", "plan", "M" + u, "2025-02-03T10:00:00Z", "mr2-" + u);

        assertThat(matchIds(search("MedicationRequest?patient=" + p))).containsExactlyInAnyOrder(order, plan);
        assertThat(matchIds(search("MedicationRequest?subject=Patient/" + p + "&intent=plan"))).containsExactly(plan);
        assertThat(matchIds(search("MedicationRequest?code=http://www.nlm.nih.gov/research/umls/rxnorm|M" + u
                + "&status=active,completed"))).hasSize(2);
        assertThat(matchIds(search("MedicationRequest?code=M" + u + "&authoredon=ge2025-02-02"))).containsExactly(plan);
        assertThat(matchIds(search("MedicationRequest?identifier=urn:test:mr|mr1-" + u))).containsExactly(order);
    }

    @Test
    void carePlanParametersIncludesAndRevIncludes() {
        String u = unique();
        String p = patient("Plan" + u, "P", "female", "1990-01-01", "MRN-" + u);
        String c = condition(p, "P" + u, "active", "2025-03-01", "2025-03-02", "pc-" + u);
        String canonical = "http://example.org/PlanDefinition/blocked-duct-" + u;
        String plan = carePlan(p, c, "active", "2025-03-04", "2025-03-10", "2025-03-05T10:00:00Z", canonical, "cp-" + u);
        String done = carePlan(p, c, "completed", "2025-01-04", "2025-01-10", "2025-01-05T10:00:00Z", canonical, "cp2-" + u);

        assertThat(matchIds(search("CarePlan?patient=" + p))).containsExactlyInAnyOrder(plan, done);
        assertThat(matchIds(search("CarePlan?subject=Patient/" + p + "&status=active&intent=plan"))).containsExactly(plan);
        assertThat(matchIds(search("CarePlan?subject=" + p + "&category=urn:test:cp-category|physio"))).hasSize(2);
        assertThat(matchIds(search("CarePlan?subject=" + p + "&date=2025-03-06"))).isEmpty(); // period is not inside one day
        assertThat(matchIds(search("CarePlan?subject=" + p + "&date=2025-03"))).containsExactly(plan);
        assertThat(matchIds(search("CarePlan?subject=" + p + "&date=ge2025-03-06"))).containsExactly(plan);
        assertThat(matchIds(search("CarePlan?subject=" + p + "&activity-date=2025-01-05"))).containsExactly(done);
        assertThat(matchIds(search("CarePlan?condition=Condition/" + c))).hasSize(2);
        assertThat(matchIds(given().accept(FHIR_JSON).queryParam("instantiates-canonical", canonical)
                .get("/fhir/CarePlan"))).hasSize(2);
        assertThat(matchIds(search("CarePlan?identifier=urn:test:cp|cp2-" + u))).containsExactly(done);

        Response included = search("CarePlan?_id=" + plan + "&_include=CarePlan:subject&_include=CarePlan:condition");
        assertThat(matchIds(included)).containsExactly(plan);
        assertThat(includedIds(included)).containsExactlyInAnyOrder(p, c);
        assertThat(includedIds(search("CarePlan?subject=" + p + "&_include=*"))).containsExactlyInAnyOrder(p, c);
        // the Patient appears once although both plans point at it
        assertThat(includedIds(search("CarePlan?subject=" + p + "&_include=CarePlan:subject"))).containsExactly(p);

        Response reverse = search("Patient?_id=" + p + "&_revinclude=CarePlan:subject&_revinclude=Condition:subject");
        assertThat(matchIds(reverse)).containsExactly(p);
        assertThat(includedIds(reverse)).containsExactlyInAnyOrder(plan, done, c);
        reverse.then().body("total", equalTo(1));

        String mr = medicationRequest(p, "active", "order", "P" + u, "2025-02-01T10:00:00Z", "pm-" + u);
        assertThat(includedIds(search("MedicationRequest?_id=" + mr + "&_include=MedicationRequest:subject")))
                .containsExactly(p);
        assertThat(includedIds(search("Condition?_id=" + c + "&_include=Condition:subject"))).containsExactly(p);
        search("CarePlan?_include=CarePlan:nonsense").then().statusCode(400);
        // :iterate follows references from included resources too: CarePlan -> Condition -> Patient
        Response iterated = search("CarePlan?_id=" + plan + "&_include=CarePlan:condition"
                + "&_include:iterate=Condition:subject");
        assertThat(includedIds(iterated)).containsExactlyInAnyOrder(c, p);
        assertThat(includedIds(search("CarePlan?_id=" + plan + "&_include=CarePlan:condition"))).containsExactly(c);
    }

    @Test
    void unknownParametersAre400UnlessLenient() {
        String u = unique();
        String p = patient("Len" + u, "L", "female", "1990-01-01", "MRN-" + u);
        search("Patient?family=Len" + u + "&shoe-size=42").then().statusCode(400)
                .body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].diagnostics", containsString("shoe-size"));
        search("Patient?family:sounds-like=Len" + u).then().statusCode(400);
        search("Patient?_has:Condition:subject:shoe-size=x").then().statusCode(400)
                .body("issue[0].diagnostics", containsString("shoe-size"));

        Response lenient = given().accept(FHIR_JSON).header("Prefer", "handling=lenient")
                .get("/fhir/Patient?family=Len" + u + "&shoe-size=42");
        assertThat(matchIds(lenient)).containsExactly(p);
        String self = lenient.path("link.find { it.relation == 'self' }.url");
        assertThat(self).contains("family=Len" + u).doesNotContain("shoe-size");
        lenient.then().body("entry.find { it.search.mode == 'outcome' }.resource.issue[0].diagnostics",
                containsString("shoe-size"));
        // unsupported parameter types (composite) too
        search("Observation?code-value-quantity=x$1").then().statusCode(400);
    }

    @Test
    void booleanParametersTakeTrueOrFalseAndAnythingElseIs400() {
        String u = unique();
        String active = create("Patient", """
                {"resourceType": "Patient", "active": true, "name": [{"family": "Bool%s"}]}""".formatted(u));
        String inactive = create("Patient", """
                {"resourceType": "Patient", "active": false, "name": [{"family": "Bool%s"}]}""".formatted(u));
        String unknown = create("Patient", """
                {"resourceType": "Patient", "name": [{"family": "Bool%s"}],
                 "deceasedDateTime": "2025-01-01T10:00:00Z"}""".formatted(u));
        String q = "Patient?family=Bool" + u + "&";

        assertThat(matchIds(search(q + "active=true"))).containsExactly(active);
        assertThat(matchIds(search(q + "active=false"))).containsExactly(inactive);
        assertThat(matchIds(search(q + "active=TRUE"))).containsExactly(active);
        assertThat(matchIds(search(q + "active=|true"))).containsExactly(active); // a boolean has no system
        assertThat(matchIds(search(q + "active=true,false"))).containsExactlyInAnyOrder(active, inactive);
        assertThat(matchIds(search(q + "active:not=true"))).containsExactlyInAnyOrder(inactive, unknown);
        assertThat(matchIds(search(q + "active:missing=true"))).containsExactly(unknown);
        assertThat(matchIds(search(q + "active:missing=false"))).containsExactlyInAnyOrder(active, inactive);
        assertThat(matchIds(search(q + "deceased=true"))).containsExactly(unknown);

        for (String bad : List.of("banana", "yes", "1", "http://example.org|true", "true|", "true,banana")) {
            assertInvalidValue(search(q + "active=" + bad), "active", bad.contains(",") ? "banana" : bad);
        }
        assertInvalidValue(search(q + "active:not=banana"), "active", "banana");
        assertInvalidValue(search(q + "deceased=banana"), "deceased", "banana");
        assertInvalidValue(search(q + "active:missing=true,banana"), "active:missing", "banana");
        search(q + "active:text=true").then().statusCode(400)
                .body("issue[0].diagnostics", containsString("':text' is not supported"));
        // whatever the handling, and whichever way the search arrives
        assertInvalidValue(given().accept(FHIR_JSON).header("Prefer", "handling=lenient").get("/fhir/" + q
                + "active=banana"), "active", "banana");
        assertInvalidValue(given().accept(FHIR_JSON).contentType("application/x-www-form-urlencoded")
                .formParam("active", "banana").post("/fhir/Patient/_search"), "active", "banana");
        given().accept(FHIR_JSON).contentType(FHIR_JSON).body("""
                {"resourceType": "Bundle", "type": "batch", "entry": [
                 {"request": {"method": "GET", "url": "%sactive=banana"}},
                 {"request": {"method": "GET", "url": "%sactive=true"}}]}""".formatted(q, q))
                .post("/fhir").then().statusCode(200)
                .body("entry[0].response.status", equalTo("400 Bad Request"))
                .body("entry[0].response.outcome.issue[0].code", equalTo("invalid"))
                .body("entry[0].response.outcome.issue[0].diagnostics",
                        allOf(containsString("'active'"), containsString("'banana'")))
                .body("entry[1].response.status", equalTo("200 OK"))
                .body("entry[1].resource.entry.resource.id", equalTo(List.of(active)));
    }

    @Test
    void valuesNoResourceCanHaveAre400NotAnEmptyMatch() {
        String u = unique();
        patient("Bad" + u, "B", "female", "1990-01-01", "MRN-" + u);
        assertInvalidValue(search("Patient?family=Bad" + u + "&_id=not_an_id"), "_id", "not_an_id");
        assertInvalidValue(search("Patient?family=Bad" + u + "&_id:not=a!b"), "_id", "a!b");
        assertInvalidValue(search("Patient?family=Bad" + u + "&birthdate:missing=false,maybe"), "birthdate:missing",
                "maybe");
        search("Patient?family=Bad" + u + "&birthdate=0000").then().statusCode(400)
                .body("issue[0].diagnostics", containsString("Invalid date '0000'"));
        assertThat(matchIds(search("Patient?family=Bad" + u + "&birthdate:missing=true,false"))).hasSize(1);
        // _summary is checked by the search itself, so a batch entry's search refuses a bad one too
        given().accept(FHIR_JSON).contentType(FHIR_JSON).body("""
                {"resourceType": "Bundle", "type": "batch", "entry": [
                 {"request": {"method": "GET", "url": "Patient?family=Bad%s&_summary=banana"}},
                 {"request": {"method": "GET", "url": "Patient?family=Bad%s&_summary=count"}}]}""".formatted(u, u))
                .post("/fhir").then().statusCode(200)
                .body("entry[0].response.status", equalTo("400 Bad Request"))
                .body("entry[0].response.outcome.issue[0].diagnostics", containsString("_summary"))
                .body("entry[1].response.status", equalTo("200 OK"))
                .body("entry[1].resource.total", equalTo(1));
    }

    /** A 400 OperationOutcome that names the parameter and the value, and carries no stack trace. */
    private static void assertInvalidValue(Response response, String parameter, String value) {
        response.then().statusCode(400)
                .body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].severity", equalTo("error"))
                .body("issue[0].code", equalTo("invalid"))
                .body("issue[0].diagnostics", allOf(containsString("'" + parameter + "'"),
                        containsString("'" + value + "'")))
                .body(not(containsString("Exception")))
                .body(not(containsString("at health.ductcare")));
    }

    @Test
    void sortTotalSummaryCountAndPostSearch() {
        String u = unique();
        String p = patient("Sort" + u, "S", "female", "1990-01-01", "MRN-" + u);
        String mid = observation(p, "S" + u, "2025-03-10T10:00:00Z", "37.0");
        String early = observation(p, "S" + u, "2025-03-09T10:00:00Z", "37.0");
        String late = observation(p, "S" + u, "2025-03-11T10:00:00Z", "37.0");

        assertThat(matchIds(search("Observation?code=S" + u + "&_sort=date"))).containsExactly(early, mid, late);
        assertThat(matchIds(search("Observation?code=S" + u + "&_sort=-date"))).containsExactly(late, mid, early);
        assertThat(matchIds(search("Observation?code=S" + u + "&_sort=_lastUpdated"))).containsExactly(mid, early, late);
        assertThat(matchIds(search("Observation?code=S" + u + "&_sort=-_lastUpdated"))).containsExactly(late, early, mid);
        search("Observation?code=S" + u + "&_sort=nope").then().statusCode(400);
        search("Observation?code=S" + u + "&_sort=code-value-quantity").then().statusCode(400);

        search("Observation?code=S" + u + "&_summary=count").then().statusCode(200)
                .body("total", equalTo(3)).body("entry", nullValue());
        search("Observation?code=S" + u + "&_total=none").then().statusCode(200)
                .body("total", nullValue()).body("entry.size()", equalTo(3));
        search("Observation?code=S" + u + "&_count=1").then().statusCode(200)
                .body("total", equalTo(3)).body("entry.size()", equalTo(1))
                .body("entry[0].search.mode", equalTo("match"))
                .body("link.relation", hasItems("self", "next"))
                .body("link.relation", not(hasItem("previous")));
        search("Observation?code=S" + u + "&_count=abc").then().statusCode(400);
        // the self link names the applied parameters in one order, whatever order they were sent in
        for (String query : List.of("code=S" + u + "&_count=1&_sort=date", "_sort=date&code=S" + u + "&_count=1",
                "_count=1&_sort=date&code=S" + u, "code=S" + u + "&_sort=date&_count=1")) {
            String self = search("Observation?" + query).path("link.find { it.relation == 'self' }.url");
            assertThat(self).as(query).endsWith("/fhir/Observation?_count=1&_sort=date&code=S" + u);
        }

        Response posted = given().accept(FHIR_JSON).contentType("application/x-www-form-urlencoded")
                .formParam("code", "S" + u).formParam("date", "ge2025-03-10")
                .post("/fhir/Observation/_search");
        assertThat(matchIds(posted)).containsExactlyInAnyOrder(mid, late);
        posted.then().body("type", equalTo("searchset")).body("total", equalTo(2))
                .body("entry[0].fullUrl", containsString("/fhir/Observation/"));
    }

    @Test
    void elementsAndSummaryShapeTheEntriesNotTheBundle() {
        String u = unique();
        String p = patient("Sub" + u, "S", "female", "1990-01-01", "MRN-" + u);
        String c1 = condition(p, "E" + u, "active", "2025-01-01", "2025-01-02", "e1-" + u);
        condition(p, "E" + u, "active", "2025-01-03", "2025-01-04", "e2-" + u);

        // JSON, _elements: the Bundle keeps type, total, links and entries; the resources keep what was asked
        search("Condition?code=E" + u + "&_count=1&_elements=subject").then().statusCode(200)
                .body("resourceType", equalTo("Bundle"))
                .body("meta", nullValue())
                .body("type", equalTo("searchset"))
                .body("total", equalTo(2))
                .body("link.relation", hasItems("self", "next"))
                .body("entry.size()", equalTo(1))
                .body("entry[0].fullUrl", containsString("/fhir/Condition/" + c1))
                .body("entry[0].search.mode", equalTo("match"))
                .body("entry[0].resource.id", equalTo(c1))
                .body("entry[0].resource.subject.reference", equalTo("Patient/" + p))
                .body("entry[0].resource.code", nullValue())
                .body("entry[0].resource.meta.versionId", equalTo("1"))
                .body("entry[0].resource.meta.tag.code", hasItem("SUBSETTED"));
        // JSON, _summary=true: the summary elements of each resource (Condition.category is not one)
        search("Condition?code=E" + u + "&_count=1&_summary=true").then().statusCode(200)
                .body("meta", nullValue())
                .body("type", equalTo("searchset"))
                .body("total", equalTo(2))
                .body("link.relation", hasItems("self", "next"))
                .body("entry.size()", equalTo(1))
                .body("entry[0].search.mode", equalTo("match"))
                .body("entry[0].resource.code.text", equalTo("Blocked duct left breast"))
                .body("entry[0].resource.category", nullValue())
                .body("entry[0].resource.meta.tag.code", hasItem("SUBSETTED"));

        // _summary=data leaves out the narrative only; the outcome entry of a lenient search stays whole
        given().accept(FHIR_JSON).header("Prefer", "handling=lenient")
                .get("/fhir/Condition?code=E" + u + "&shoe-size=42&_summary=data").then().statusCode(200)
                .body("meta", nullValue())
                .body("entry.findAll { it.search.mode == 'match' }.size()", equalTo(2))
                .body("entry.find { it.search.mode == 'match' }.resource.category", not(nullValue()))
                .body("entry.find { it.search.mode == 'match' }.resource.meta.tag.code", hasItem("SUBSETTED"))
                .body("entry.find { it.search.mode == 'outcome' }.resource.issue[0].diagnostics",
                        containsString("shoe-size"))
                .body("entry.find { it.search.mode == 'outcome' }.resource.meta", nullValue());
        // history Bundles the same
        given().accept(FHIR_JSON).get("/fhir/Condition/" + c1 + "/_history?_elements=subject").then().statusCode(200)
                .body("meta", nullValue())
                .body("type", equalTo("history"))
                .body("total", equalTo(1))
                .body("entry[0].request.method", equalTo("POST"))
                .body("entry[0].resource.subject.reference", equalTo("Patient/" + p))
                .body("entry[0].resource.code", nullValue())
                .body("entry[0].resource.meta.tag.code", hasItem("SUBSETTED"));

        // XML, the same two
        for (String subsetting : List.of("_elements=subject", "_summary=true")) {
            String xml = given().accept("application/fhir+xml")
                    .get("/fhir/Condition?code=E" + u + "&_count=1&" + subsetting)
                    .then().statusCode(200).extract().asString();
            Bundle bundle = FhirContext.forR4Cached().newXmlParser().parseResource(Bundle.class, xml);
            assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
            assertThat(bundle.getMeta().getTag()).as(subsetting).isEmpty();
            assertThat(bundle.getTotal()).isEqualTo(2);
            assertThat(bundle.getLink()).extracting(Bundle.BundleLinkComponent::getRelation)
                    .contains("self", "next");
            assertThat(bundle.getEntry()).hasSize(1);
            assertThat(bundle.getEntryFirstRep().getSearch().getMode()).isEqualTo(Bundle.SearchEntryMode.MATCH);
            Condition condition = (Condition) bundle.getEntryFirstRep().getResource();
            assertThat(condition.getIdElement().getIdPart()).isEqualTo(c1);
            assertThat(condition.getSubject().getReference()).isEqualTo("Patient/" + p);
            assertThat(condition.getMeta().getTag()).extracting(Coding::getCode).as(subsetting).contains("SUBSETTED");
            assertThat(condition.hasCategory()).as(subsetting).isFalse();
            assertThat(condition.hasCode()).as(subsetting).isEqualTo(subsetting.startsWith("_summary"));
        }
    }

    @Test
    void compartmentRestrictsMatchesAndIncludes() {
        String u = unique();
        String mine = patient("Comp" + u, "A", "female", "1990-01-01", "MRN-A-" + u);
        String theirs = patient("Comp" + u, "B", "female", "1990-01-01", "MRN-B-" + u);
        String myCondition = condition(mine, "K" + u, "active", "2025-01-01", "2025-01-02", "k1-" + u);
        condition(theirs, "K" + u, "active", "2025-01-01", "2025-01-02", "k2-" + u);
        SearchRequest.Compartment compartment = new SearchRequest.Compartment("Patient", mine);

        Bundle conditions = searchService.search(new SearchRequest("Condition",
                Map.of("code", List.of("K" + u), "_include", List.of("Condition:subject")), "http://x/fhir", false,
                compartment));
        assertThat(conditions.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactlyInAnyOrder(myCondition, mine);
        Bundle patients = searchService.search(new SearchRequest("Patient",
                Map.of("family", List.of("Comp" + u), "_revinclude", List.of("Condition:subject")), "http://x/fhir",
                false, compartment));
        assertThat(patients.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactlyInAnyOrder(mine, myCondition);
        // a type that cannot be in a patient compartment yields nothing
        Bundle organizations = searchService.search(new SearchRequest("Organization", Map.of(), "http://x/fhir",
                false, compartment));
        assertThat(organizations.getEntry()).isEmpty();
    }

    @Test
    void deletedAndUpdatedResourcesLeaveTheIndex() {
        String u = unique();
        String p = patient("Del" + u, "D", "female", "1990-01-01", "MRN-" + u);
        String c = condition(p, "X" + u, "active", "2025-01-01", "2025-01-02", "x-" + u);
        assertThat(matchIds(search("Condition?code=X" + u))).containsExactly(c);
        String updated = given().get("/fhir/Condition/" + c).then().extract().asString()
                .replace("X" + u, "Y" + u);
        given().contentType(FHIR_JSON).body(updated).put("/fhir/Condition/" + c).then().statusCode(200);
        assertThat(matchIds(search("Condition?code=X" + u))).isEmpty();
        assertThat(matchIds(search("Condition?code=Y" + u))).containsExactly(c);
        given().delete("/fhir/Condition/" + c).then().statusCode(200);
        assertThat(matchIds(search("Condition?code=Y" + u))).isEmpty();
    }

    @Test
    void eachNewVersionLeavesExactlyItsOwnIndexRows() {
        String u = unique();
        String p = patient("Ver" + u, "V", "female", "1990-01-01", "MRN-" + u);
        String o = observation(p, "V" + u, "2025-03-10T10:00:00Z", "37.20");
        String q = "Observation?code=V" + u;
        Map<String, Long> rowsOfFirstVersion = indexRowCounts(o);
        assertThat(rowsOfFirstVersion.get("idx_token")).isPositive();
        assertThat(rowsOfFirstVersion.get("idx_quantity")).isPositive(); // value-quantity and combo-value-quantity

        // The same content again: a new version whose rows are all already there (37.20 is stored as 37.2...0).
        String current = given().get("/fhir/Observation/" + o).then().extract().asString();
        given().contentType(FHIR_JSON).body(current).put("/fhir/Observation/" + o).then().statusCode(200);
        assertThat(indexRowCounts(o)).isEqualTo(rowsOfFirstVersion);
        assertThat(matchIds(search(q + "&value-quantity=37.2&date=2025-03-10&subject=Patient/" + p)))
                .containsExactly(o);

        // Only the date changes: its table is rewritten, the others stay as they were.
        given().contentType(FHIR_JSON).body(current.replace("2025-03-10T10:00:00Z", "2025-04-01T10:00:00Z"))
                .put("/fhir/Observation/" + o).then().statusCode(200);
        assertThat(indexRowCounts(o)).isEqualTo(rowsOfFirstVersion);
        assertThat(matchIds(search(q + "&date=2025-03-10"))).isEmpty();
        assertThat(matchIds(search(q + "&date=2025-04-01&value-quantity=37.2"))).containsExactly(o);

        // A changed value and an added category.
        given().contentType(FHIR_JSON).body(current.replace("37.20", "38.6").replace("\"laboratory\"}]}]",
                        "\"laboratory\"}]}, {\"coding\": [{\"system\": \"urn:test:extra\", \"code\": \"x\"}]}]"))
                .put("/fhir/Observation/" + o).then().statusCode(200);
        assertThat(matchIds(search(q + "&value-quantity=37.2"))).isEmpty();
        assertThat(matchIds(search(q + "&value-quantity=38.6&category=urn:test:extra|x"))).containsExactly(o);
        assertThat(indexRowCounts(o).get("idx_token")).isEqualTo(rowsOfFirstVersion.get("idx_token") + 1);
    }

    private Map<String, Long> indexRowCounts(String observationId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<String, Long> counts = new TreeMap<>();
            for (String table : List.of("idx_token", "idx_string", "idx_date", "idx_reference", "idx_quantity",
                    "idx_number", "idx_uri")) {
                Number count = (Number) entityManager.createNativeQuery("SELECT COUNT(*) FROM " + table
                                + " WHERE res_pid = (SELECT pid FROM resource WHERE res_type = 'Observation'"
                                + " AND res_id = ?1)")
                        .setParameter(1, observationId).getSingleResult();
                counts.put(table, count.longValue());
            }
            return counts;
        });
    }

    @Test
    void capabilityStatementListsParametersIncludesAndConditionals() {
        JsonPath metadata = given().accept(FHIR_JSON).get("/fhir/metadata").then().statusCode(200).extract().jsonPath();
        Map<String, List<String>> expected = Map.of(
                "Patient", List.of("_id", "_lastUpdated", "identifier", "name", "family", "given", "birthdate", "gender"),
                "Condition", List.of("patient", "subject", "code", "clinical-status", "verification-status",
                        "onset-date", "recorded-date", "category", "identifier"),
                "MedicationRequest", List.of("patient", "subject", "status", "intent", "code", "authoredon", "identifier"),
                "Observation", List.of("patient", "subject", "code", "date", "category", "value-quantity"),
                "CarePlan", List.of("patient", "subject", "status", "intent", "category", "date", "condition",
                        "instantiates-canonical", "activity-date", "identifier"));
        expected.forEach((type, names) -> {
            String path = "rest[0].resource.find { it.type == '" + type + "' }";
            assertThat(metadata.getList(path + ".searchParam.name", String.class)).containsAll(names);
            assertThat(metadata.getString(path + ".searchParam.find { it.name == 'subject' || it.name == 'family' }"
                    + ".definition")).startsWith("http://hl7.org/fhir/SearchParameter/");
            assertThat(metadata.getBoolean(path + ".conditionalCreate")).isTrue();
            assertThat(metadata.getBoolean(path + ".conditionalUpdate")).isTrue();
            assertThat(metadata.getString(path + ".conditionalDelete")).isEqualTo("single");
            assertThat(metadata.getList(path + ".referencePolicy", String.class)).containsExactly("literal", "local");
        });
        assertThat(metadata.getList("rest[0].resource.find { it.type == 'CarePlan' }.searchInclude", String.class))
                .contains("CarePlan:subject", "CarePlan:condition", "*");
        assertThat(metadata.getList("rest[0].resource.find { it.type == 'Patient' }.searchRevInclude", String.class))
                .contains("CarePlan:subject", "Condition:subject", "MedicationRequest:subject");
        assertThat(metadata.getList("rest[0].resource.find { it.type == 'Condition' }.searchParam.name", String.class))
                .doesNotContain("code-value-quantity");
        assertThat(metadata.getList("patchFormat", String.class))
                .contains("application/json-patch+json", "application/fhir+json", "application/fhir+xml");
        for (String readOnly : List.of("AuditEvent", "PlanDefinition", "ActivityDefinition", "ValueSet",
                "OperationDefinition")) {
            String path = "rest[0].resource.find { it.type == '" + readOnly + "' }";
            assertThat(metadata.getList(path + ".interaction.code", String.class)).as(readOnly)
                    .containsExactlyInAnyOrder("read", "vread", "search-type", "history-instance", "history-type");
            assertThat(metadata.getBoolean(path + ".conditionalCreate")).as(readOnly).isFalse();
            assertThat(metadata.getBoolean(path + ".conditionalUpdate")).as(readOnly).isFalse();
            assertThat(metadata.getString(path + ".conditionalDelete")).as(readOnly).isEqualTo("not-supported");
        }
        given().contentType(FHIR_JSON).body("{\"resourceType\": \"AuditEvent\"}").post("/fhir/AuditEvent")
                .then().statusCode(405);
    }
}
