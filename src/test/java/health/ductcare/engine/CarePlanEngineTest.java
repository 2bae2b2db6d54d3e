package health.ductcare.engine;

import static health.ductcare.engine.EngineFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import health.ductcare.protocol.ProtocolLoader;
import health.ductcare.protocol.ProtocolOverrides;
import health.ductcare.testsupport.Fhir;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Protocol: the shipped file (clinic America/New_York, 08:00-18:00 daily). January is EST (UTC-5). */
class CarePlanEngineTest {

    static final Protocol PROTOCOL = Fhir.defaultProtocol().protocol();
    /** Wednesday 2025-01-15 10:00 EST. */
    static final Instant T0 = Instant.parse("2025-01-15T15:00:00Z");
    /** Plans are made when the diagnosis is recorded unless a test says otherwise. */
    static final Instant NOW = T0;

    static PlanDecision plan(PlanInput input) {
        return CarePlanEngine.plan(input, PROTOCOL, NOW);
    }

    static PlanDecision.Scheduled scheduled(PlanDecision decision) {
        assertThat(decision).isInstanceOf(PlanDecision.Scheduled.class);
        return (PlanDecision.Scheduled) decision;
    }

    static Instant firstStart(PlanDecision decision) {
        return scheduled(decision).sessions().get(0).start();
    }

    /** The activities of a plan as they would be read back from the stored CarePlan. */
    static List<PriorActivity> storedActivities(PlanDecision.Scheduled plan) {
        return plan.sessions().stream().flatMap(s -> s.activities().stream())
                .map(a -> new PriorActivity(a.key(), a.start(), a.end(), a.status())).toList();
    }

    static List<NoteCode> noteCodes(PlanDecision decision) {
        return decision.notes().stream().map(PlanNote::code).toList();
    }

    @Nested
    class PlacementOfAVisit {

        @Test
        void placesEveryStepOfTheFirstVisitToTheMinute() {
            PlanDecision.Scheduled plan = scheduled(plan(PlanInput.of(blockedDuct(T0))));

            PlannedSession first = plan.sessions().get(0);
            assertThat(first.start()).isEqualTo("2025-01-15T15:10:00Z");
            assertThat(first.end()).isEqualTo("2025-01-15T15:53:00Z");
            assertThat(first.activities()).extracting(PlannedActivity::key, a -> a.start().toString(),
                    a -> a.end().toString()).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("s1-moist-heat", "2025-01-15T15:00:00Z", "2025-01-15T15:10:00Z"),
                    org.assertj.core.groups.Tuple.tuple("s1-ultrasound", "2025-01-15T15:10:00Z", "2025-01-15T15:18:00Z"),
                    org.assertj.core.groups.Tuple.tuple("s1-manual-therapy", "2025-01-15T15:18:00Z", "2025-01-15T15:33:00Z"),
                    org.assertj.core.groups.Tuple.tuple("s1-education", "2025-01-15T15:33:00Z", "2025-01-15T15:43:00Z"),
                    org.assertj.core.groups.Tuple.tuple("s1-postural-exercise-hydration", "2025-01-15T15:43:00Z",
                            "2025-01-15T15:53:00Z"),
                    org.assertj.core.groups.Tuple.tuple("s1-trial-feed-or-pump", "2025-01-15T15:53:00Z", "2025-01-15T16:13:00Z"));
            assertThat(first.activities()).allMatch(a -> a.status().equals("scheduled"));
            assertThat(plan.infected()).isFalse();
            assertThat(plan.earliestStart()).as("the moist heat first, from the diagnosis")
                    .isEqualTo(T0.plus(Duration.ofMinutes(10)));
            assertThat(plan.deadline()).isEqualTo("2025-01-17T15:00:00Z");
            assertThat(plan.windowMet()).isTrue();
        }

        @Test
        void placesFollowUpsAtTheIntervalAndHomeActivitiesUntilAnIntervalAfterTheLastSession() {
            PlanDecision.Scheduled plan = scheduled(plan(PlanInput.of(blockedDuct(T0))));

            assertThat(plan.sessions()).extracting(s -> s.start().toString())
                    .containsExactly("2025-01-15T15:10:00Z", "2025-01-16T15:10:00Z", "2025-01-17T15:10:00Z");
            assertThat(plan.sessions().get(2).activities().get(0).key()).isEqualTo("s3-moist-heat");
            assertThat(plan.home()).extracting(PlannedHomeActivity::key)
                    .containsExactly("home-self-treatment", "home-postural-exercises");
            assertThat(plan.home()).allSatisfy(h -> {
                assertThat(h.start()).isEqualTo("2025-01-15T15:53:00Z");
                assertThat(h.end()).isEqualTo("2025-01-18T15:53:00Z");
            });
        }

        @ParameterizedTest(name = "diagnosis {0} EST -> first session {1} EST")
        @CsvSource({
                "2025-01-15T07:59:00, 2025-01-15T08:10:00",
                "2025-01-15T08:00:00, 2025-01-15T08:10:00",
                "2025-01-15T08:09:59, 2025-01-15T08:20:00",
                "2025-01-15T08:10:00, 2025-01-15T08:20:00",
                "2025-01-15T08:10:01, 2025-01-15T08:21:00",
                "2025-01-15T16:47:00, 2025-01-15T16:57:00",
                "2025-01-15T16:47:01, 2025-01-16T08:10:00",
                "2025-01-15T16:57:00, 2025-01-16T08:10:00",
                "2025-01-15T16:58:00, 2025-01-16T08:10:00",
                "2025-01-15T23:30:00, 2025-01-16T08:10:00",
        })
        void keepsTheWholeVisitInsideOpeningHours(String diagnosisLocal, String expectedLocal) {
            ZoneId ny = ZoneId.of("America/New_York");
            Instant dx = java.time.LocalDateTime.parse(diagnosisLocal).atZone(ny).toInstant();

            Instant start = firstStart(CarePlanEngine.plan(PlanInput.of(blockedDuct(dx)), PROTOCOL, dx));

            assertThat(start.atZone(ny).toLocalDateTime()).isEqualTo(expectedLocal);
        }

        @ParameterizedTest(name = "diagnosis {0} -> moist heat from {1}, session from {2}")
        @CsvSource({
                "2025-01-15T14:59:59Z, 2025-01-15T15:00:00Z, 2025-01-15T15:10:00Z",
                "2025-01-15T15:00:00Z, 2025-01-15T15:00:00Z, 2025-01-15T15:10:00Z",
                "2025-01-15T15:00:01Z, 2025-01-15T15:01:00Z, 2025-01-15T15:11:00Z",
        })
        void startsTheMoistHeatNoEarlierThanTheDiagnosis(Instant dx, Instant heatStart, Instant sessionStart) {
            Instant anHourEarlier = dx.minus(Duration.ofHours(1));

            PlannedSession first = scheduled(CarePlanEngine.plan(PlanInput.of(blockedDuct(dx)), PROTOCOL,
                    anHourEarlier)).sessions().get(0);

            assertThat(first.activities().get(0).key()).isEqualTo("s1-moist-heat");
            assertThat(first.activities().get(0).start()).isEqualTo(heatStart);
            assertThat(first.start()).isEqualTo(sessionStart);
        }

        @Test
        void takesTheHeatLeadInFromTheProtocol() {
            Protocol fifteenMinutesOfHeat = PROTOCOL.withSteps(s -> s.relation() != StepRelation.BEFORE_START ? s
                    : new SessionStep(s.id(), s.title(), s.description(), s.codes(), Duration.ofMinutes(15),
                    s.relation(), Duration.ofMinutes(15), s.performer(), s.kind(), s.activityDefinition()));

            PlanDecision decision = CarePlanEngine.plan(PlanInput.of(blockedDuct(T0)), fifteenMinutesOfHeat, T0);

            assertThat(firstStart(decision)).isEqualTo(T0.plus(Duration.ofMinutes(15)));
            assertThat(scheduled(decision).sessions().get(0).activities().get(0).start()).isEqualTo(T0);
        }

        @Test
        void skipsClosedDays() {
            Protocol weekdays = PROTOCOL.withClinicHours(new ClinicHours(LocalTime.of(8, 0), LocalTime.of(18, 0),
                    java.util.EnumSet.range(java.time.DayOfWeek.MONDAY, java.time.DayOfWeek.FRIDAY),
                    ZoneId.of("America/New_York")));
            Instant fridayEvening = Instant.parse("2025-01-17T23:00:00Z");

            Instant start = ((PlanDecision.Scheduled) CarePlanEngine.plan(PlanInput.of(blockedDuct(fridayEvening)),
                    weekdays, NOW)).sessions().get(0).start();

            assertThat(start).isEqualTo("2025-01-20T13:10:00Z");
        }

    }

    /** The planning instant: nothing the planner places starts before it. */
    @Nested
    class PlanningTime {

        @ParameterizedTest(name = "planned diagnosis + {0} -> {1} sessions already due")
        @CsvSource({
                "PT0S,       0",
                "PT10M,      0",
                "PT10M1S,    1",
                "PT1H0M30S,  1",
                "PT24H10M,   1",
                "PT24H10M1S, 2",
                "PT47H50M,   2",
                "PT72H,      3",
        })
        void aLateDiagnosisKeepsTheTimesTheRulesGiveAndFlagsThoseThatHavePassed(Duration lateBy, int due) {
            Instant now = T0.plus(lateBy);

            PlanDecision.Scheduled plan = scheduled(CarePlanEngine.plan(PlanInput.of(blockedDuct(T0)), PROTOCOL, now));

            assertThat(plan.sessions()).extracting(s -> s.start().toString())
                    .containsExactly("2025-01-15T15:10:00Z", "2025-01-16T15:10:00Z", "2025-01-17T15:10:00Z");
            assertThat(plan.windowMet()).isTrue();
            assertThat(noteCodes(plan)).doesNotContain(NoteCode.WINDOW_MISSED, NoteCode.UNRECORDED_SESSION_MOVED);
            assertThat(plan.notes()).filteredOn(n -> n.code() == NoteCode.SESSION_DUE_UNRECORDED).hasSize(due)
                    .allSatisfy(n -> assertThat(n.severity()).isEqualTo(PlanNote.Severity.WARNING));
        }

        @Test
        void aDiagnosisThatArrivesAfterItsWindowSaysWhichSessionToArrange() {
            Instant threeDaysLate = T0.plus(Duration.ofDays(3));

            PlanDecision decision = CarePlanEngine.plan(PlanInput.of(blockedDuct(T0)), PROTOCOL, threeDaysLate);

            assertThat(decision.notes()).filteredOn(n -> n.code() == NoteCode.SESSION_DUE_UNRECORDED).first()
                    .satisfies(n -> assertThat(n.text()).contains("Session 1 is due at 2025-01-15T15:10:00Z")
                            .contains("arrange it as soon as possible"));
        }

        @Test
        void aLateInfectedDiagnosisKeepsTheAntibioticLeadTime() {
            Instant now = T0.plus(Duration.ofHours(30));
            PlanInput input = input(mastitis(T0), List.of(cephalexin(T0)), List.of());

            PlanDecision.Scheduled plan = scheduled(CarePlanEngine.plan(input, PROTOCOL, now));

            assertThat(plan.earliestStart()).isEqualTo(T0.plus(Duration.ofHours(24)));
            assertThat(plan.sessions().get(0).start()).isEqualTo(T0.plus(Duration.ofHours(24)));
            assertThat(noteCodes(plan)).contains(NoteCode.SESSION_DUE_UNRECORDED);
        }

        @Test
        void aSessionDueBeforeNowThatNobodyRecordedKeepsItsTimeWithANote() {
            PlanDecision.Scheduled first = scheduled(CarePlanEngine.plan(PlanInput.of(blockedDuct(T0)), PROTOCOL, T0));
            List<PriorActivity> stored = storedActivities(first);
            Instant nextMorning = Instant.parse("2025-01-16T09:00:00Z");

            PlanDecision.Scheduled replanned = scheduled(CarePlanEngine.plan(
                    new PlanInput(blockedDuct(T0), List.of(), List.of(), stored), PROTOCOL, nextMorning));

            assertThat(replanned.sessions()).extracting(PlannedSession::start)
                    .containsExactlyElementsOf(first.sessions().stream().map(PlannedSession::start).toList());
            assertThat(noteCodes(replanned)).doesNotContain(NoteCode.UNRECORDED_SESSION_MOVED);
            assertThat(replanned.notes()).filteredOn(n -> n.code() == NoteCode.SESSION_DUE_UNRECORDED)
                    .singleElement().satisfies(n -> assertThat(n.text())
                            .contains("Session 1 is due at 2025-01-15T15:10:00Z"));
            assertThat(noteCodes(first)).doesNotContain(NoteCode.SESSION_DUE_UNRECORDED);
        }

        @Test
        void aSessionNotYetDueIsNotReported() {
            PlanDecision.Scheduled first = scheduled(CarePlanEngine.plan(PlanInput.of(blockedDuct(T0)), PROTOCOL, T0));
            List<PriorActivity> stored = storedActivities(first);
            Instant beforeTheHeat = Instant.parse("2025-01-15T14:59:00Z");

            PlanDecision.Scheduled replanned = scheduled(CarePlanEngine.plan(
                    new PlanInput(blockedDuct(T0), List.of(), List.of(), stored), PROTOCOL, beforeTheHeat));

            assertThat(replanned.sessions().get(0).start()).isEqualTo(first.sessions().get(0).start());
            assertThat(noteCodes(replanned)).doesNotContain(NoteCode.UNRECORDED_SESSION_MOVED,
                    NoteCode.SESSION_DUE_UNRECORDED);
        }
    }

    @Nested
    class DaylightSavingTime {

        static Protocol inZone(String zone, LocalTime opens) {
            return new ProtocolLoader(Fhir.CTX).loadResource(ProtocolLoader.DEFAULT_RESOURCE,
                    new ProtocolOverrides(Map.of(), ZoneId.of(zone), opens, null)).protocol();
        }

        @ParameterizedTest(name = "{0}: diagnosis {1} -> {2}")
        @CsvSource({
                // spring forward 2025-03-09 02:00 EST -> 03:00 EDT: 08:10 EDT = 12:10Z
                "America/New_York, 2025-03-09T01:00:00Z, 2025-03-09T12:10:00Z",
                // fall back 2025-11-02 02:00 EDT -> 01:00 EST: 08:10 EST = 13:10Z
                "America/New_York, 2025-11-02T00:00:00Z, 2025-11-02T13:10:00Z",
                // spring forward 2025-03-30 02:00 CET -> 03:00 CEST: 08:10 CEST = 06:10Z
                "Europe/Berlin, 2025-03-29T19:00:00Z, 2025-03-30T06:10:00Z",
                // fall back 2025-10-26 03:00 CEST -> 02:00 CET: 08:10 CET = 07:10Z
                "Europe/Berlin, 2025-10-25T18:00:00Z, 2025-10-26T07:10:00Z",
        })
        void opensAtLocalClinicTimeAcrossTheChange(String zone, Instant dx, Instant expected) {
            PlanDecision decision = CarePlanEngine.plan(PlanInput.of(blockedDuct(dx)), inZone(zone, null), NOW);

            assertThat(firstStart(decision)).isEqualTo(expected);
        }

        @Test
        void anOpeningTimeInsideTheGapMovesForward() {
            Protocol opensAt0230 = inZone("Europe/Berlin", LocalTime.of(2, 30));
            Instant dx = Instant.parse("2025-03-29T19:00:00Z");

            // 02:30 does not exist on 2025-03-30 in Berlin: the clinic opens at 03:30 CEST = 01:30Z, heat first.
            assertThat(firstStart(CarePlanEngine.plan(PlanInput.of(blockedDuct(dx)), opensAt0230, NOW)))
                    .isEqualTo("2025-03-30T01:40:00Z");
        }

        @Test
        void followUpsKeepTheElapsedIntervalNotTheWallClock() {
            Instant saturday10Est = Instant.parse("2025-03-08T15:00:00Z");

            PlanDecision.Scheduled plan = scheduled(CarePlanEngine.plan(PlanInput.of(blockedDuct(saturday10Est)),
                    PROTOCOL, NOW));

            // The first session at 10:10 EST (heat from 10:00); 24 h later is 11:10 EDT on Sunday.
            assertThat(plan.sessions().get(1).start()).isEqualTo("2025-03-09T15:10:00Z");
        }
    }

    @Nested
    class StartWindow {

        @ParameterizedTest(name = "antibiotic started diagnosis + {0} -> start diagnosis + {1} min, window met {2}")
        @CsvSource({
                "PT23H59M, 2879, true",
                "PT24H,    2880, true",
                "PT24H1M,  2881, false",
        })
        void isInclusiveAtFortyEightHours(Duration antibioticAfterDiagnosis, long expectedMinutes, boolean met) {
            PlanInput input = input(mastitis(T0), List.of(cephalexin(T0.plus(antibioticAfterDiagnosis))), List.of());

            PlanDecision.Scheduled plan = scheduled(plan(input));

            assertThat(plan.sessions().get(0).start()).isEqualTo(T0.plus(Duration.ofMinutes(expectedMinutes)));
            assertThat(plan.windowMet()).isEqualTo(met);
            assertThat(noteCodes(plan).contains(NoteCode.WINDOW_MISSED)).isEqualTo(!met);
            if (!met) {
                assertThat(plan.notes()).filteredOn(n -> n.code() == NoteCode.WINDOW_MISSED).singleElement()
                        .satisfies(n -> {
                            assertThat(n.severity()).isEqualTo(PlanNote.Severity.WARNING);
                            assertThat(n.text()).contains("48 h window").contains("antibiotic lead time of 24 h");
                        });
            }
        }

        @Test
        void explainsWhenClinicHoursMissTheWindow() {
            Protocol closedTwoDays = PROTOCOL.withClinicHours(new ClinicHours(LocalTime.of(8, 0), LocalTime.of(18, 0),
                    java.util.EnumSet.of(java.time.DayOfWeek.MONDAY), ZoneId.of("America/New_York")));

            PlanDecision decision = CarePlanEngine.plan(PlanInput.of(blockedDuct(T0)), closedTwoDays, NOW);

            assertThat(firstStart(decision)).isEqualTo("2025-01-20T13:10:00Z");
            assertThat(decision.notes()).filteredOn(n -> n.code() == NoteCode.WINDOW_MISSED).singleElement()
                    .extracting(PlanNote::text).asString().contains("no visit fits the clinic hours");
        }

        /** The moist heat first, from the diagnosis: no session before diagnosis + 10 min whatever the antibiotic. */
        @ParameterizedTest(name = "antibiotic started diagnosis - {0} -> start diagnosis + {1} min")
        @CsvSource({
                "PT24H1M,  10",
                "PT23H51M, 10",
                "PT23H50M, 10",
                "PT23H49M, 11",
                "PT0S,     1440",
        })
        void waitsTwentyFourHoursOnTheAntibiotic(Duration beforeDiagnosis, long expectedMinutes) {
            PlanInput input = input(mastitis(T0), List.of(cephalexin(T0.minus(beforeDiagnosis))), List.of());

            PlanDecision.Scheduled plan = scheduled(plan(input));

            assertThat(plan.infected()).isTrue();
            assertThat(plan.earliestStart()).isEqualTo(T0.plus(Duration.ofMinutes(expectedMinutes)));
            assertThat(plan.sessions().get(0).start()).isEqualTo(T0.plus(Duration.ofMinutes(expectedMinutes)));
        }

        @Test
        void boundsTheSessionNotTheMoistHeatBeforeItByTheAntibioticLeadTime() {
            Instant antibioticStart = T0.minus(Duration.ofHours(23));

            PlannedSession first = scheduled(plan(input(mastitis(T0), List.of(cephalexin(antibioticStart)),
                    List.of()))).sessions().get(0);

            assertThat(first.start()).isEqualTo(antibioticStart.plus(Duration.ofHours(24)));
            assertThat(first.activities().get(0).start()).as("moist heat, prior to the session")
                    .isEqualTo(antibioticStart.plus(Duration.ofHours(23)).plus(Duration.ofMinutes(50)));
        }

        @Test
        void roundsAnEarliestStartWithSecondsUpToTheMinute() {
            PlanInput input = input(mastitis(T0), List.of(cephalexin(T0.minus(Duration.ofHours(23)).plusSeconds(1))),
                    List.of());

            assertThat(firstStart(plan(input))).isEqualTo("2025-01-15T16:01:00Z");
        }
    }

    @Nested
    class Antibiotics {

        @Test
        void countsTheEarliestUsableAntibiotic() {
            MedicationInput later = cephalexin(T0.minus(Duration.ofHours(2)));
            MedicationInput earlier = antibiotic("MedicationRequest/abx2", "completed",
                    List.of(new Code(ATC, "J01CF01")), List.of(), T0.minus(Duration.ofHours(10)));

            PlanDecision.Scheduled plan = scheduled(plan(input(mastitis(T0), List.of(later, earlier), List.of())));

            assertThat(plan.antibioticUsed().reference()).isEqualTo("MedicationRequest/abx2");
            assertThat(plan.earliestStart()).isEqualTo(T0.plus(Duration.ofHours(14)));
        }

        @Test
        void recognisesAnAntibioticByNameWhenItHasNoCode() {
            MedicationInput textOnly = new MedicationInput("MedicationRequest/abx3", "active", "order", List.of(),
                    "Dicloxacillin 500 mg four times a day", List.of(), null, null, T0);

            PlanDecision.Scheduled plan = scheduled(plan(input(mastitis(T0), List.of(textOnly), List.of())));

            assertThat(plan.antibioticUsed()).isEqualTo(textOnly);
        }

        @Test
        void takesTheStartFromBoundsThenValidityThenAuthoredOn() {
            Instant bounds = T0.minus(Duration.ofHours(30));
            Instant validity = T0.minus(Duration.ofHours(20));
            Instant authored = T0.minus(Duration.ofHours(10));
            var all = new MedicationInput("MedicationRequest/a", "active", "order", List.of(CEPHALEXIN_500_CAP), null,
                    List.of(), bounds, validity, authored);
            var noBounds = new MedicationInput("MedicationRequest/b", "active", "order", List.of(CEPHALEXIN_500_CAP),
                    null, List.of(), null, validity, authored);
            var authoredOnly = new MedicationInput("MedicationRequest/c", "active", "order",
                    List.of(CEPHALEXIN_500_CAP), null, List.of(), null, null, authored);

            assertThat(all.start()).isEqualTo(bounds);
            assertThat(noBounds.start()).isEqualTo(validity);
            assertThat(authoredOnly.start()).isEqualTo(authored);
            assertThat(scheduled(plan(input(mastitis(T0), List.of(noBounds), List.of()))).earliestStart())
                    .isEqualTo(T0.plus(Duration.ofHours(4)));
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource({
                "cancelled, order, 26643006",
                "entered-in-error, order, 26643006",
                "draft, order, 26643006",
                "active, proposal, 26643006",
                "active, order, 6064005",
        })
        void ignoresAnAntibioticThatDoesNotCount(String status, String intent, String route) {
            MedicationInput med = new MedicationInput("MedicationRequest/x", status, intent,
                    List.of(CEPHALEXIN_500_CAP), "clindamycin", List.of(new Code(SCT, route)),
                    T0.minus(Duration.ofDays(2)), null, null);

            PlanDecision decision = plan(input(mastitis(T0), List.of(med), List.of()));

            assertThat(decision).isInstanceOf(PlanDecision.OnHold.class);
            assertThat(noteCodes(decision)).contains(NoteCode.ANTIBIOTIC_IGNORED, NoteCode.AWAITING_ANTIBIOTIC);
        }

        @Test
        void aTopicalAntibioticDoesNotMakeABlockedDuctInfected() {
            MedicationInput topical = antibiotic("MedicationRequest/t", "active", List.of(new Code(RXNORM, "2582")),
                    List.of(TOPICAL), T0);

            PlanDecision.Scheduled plan = scheduled(plan(input(blockedDuct(T0), List.of(topical), List.of())));

            assertThat(plan.infected()).isFalse();
            assertThat(plan.sessions().get(0).start()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        }

        @Test
        void anAtcCodeOutsideJ01OverridesTheIngredientNameInTheText() {
            // Topical clindamycin: ATC D10AF01 (anti-acne), its display still says clindamycin.
            MedicationInput topicalByCode = new MedicationInput("MedicationRequest/d10", "active", "order",
                    List.of(new Code(ATC, "D10AF01")), "clindamycin 1 % gel", List.of(), null, null, T0);
            MedicationInput systemicByCode = new MedicationInput("MedicationRequest/j01", "active", "order",
                    List.of(new Code(ATC, "J01FF01")), "clindamycin", List.of(), null, null, T0);
            MedicationInput unknownRxNormWithName = new MedicationInput("MedicationRequest/rx", "active", "order",
                    List.of(new Code(RXNORM, "999999")), "clindamycin 300 mg capsule", List.of(), null, null, T0);

            assertThat(plan(input(mastitis(T0), List.of(topicalByCode), List.of())))
                    .isInstanceOf(PlanDecision.OnHold.class);
            assertThat(scheduled(plan(input(mastitis(T0), List.of(systemicByCode), List.of()))).antibioticUsed())
                    .isEqualTo(systemicByCode);
            assertThat(scheduled(plan(input(mastitis(T0), List.of(unknownRxNormWithName), List.of())))
                    .antibioticUsed()).as("RxNorm lists are not exhaustive: the name still counts")
                    .isEqualTo(unknownRxNormWithName);
        }

        @Test
        void aSystemicAntibioticAloneMeansInfection() {
            PlanDecision.Scheduled plan = scheduled(plan(input(blockedDuct(T0), List.of(cephalexin(T0)), List.of())));

            assertThat(plan.infected()).isTrue();
            assertThat(plan.infectionEvidence()).extracting(Evidence::kind).containsExactly(Evidence.Kind.ANTIBIOTIC);
            assertThat(plan.sessions().get(0).start()).isEqualTo(T0.plus(Duration.ofHours(24)));
        }
    }

    @Nested
    class Fever {

        @ParameterizedTest(name = "{0} {1} -> infected {2}")
        @CsvSource({
                "37.9,  Cel,    false",
                "38.0,  Cel,    true",
                "38,    Cel,    true",
                "100.3, [degF], false",
                "100.4, [degF], true",
                "39.5,  mm[Hg], false",
        })
        void countsFeverFromThirtyEightCelsius(String value, String unit, boolean infected) {
            PlanDecision decision = plan(input(blockedDuct(T0), List.of(), List.of(temperature(value, unit, T0))));

            assertThat(decision).isInstanceOf(infected ? PlanDecision.OnHold.class : PlanDecision.Scheduled.class);
        }

        @Test
        void feverWithAnAntibioticIsScheduledAfterTheLeadTime() {
            PlanDecision.Scheduled plan = scheduled(plan(input(blockedDuct(T0),
                    List.of(cephalexin(T0.minus(Duration.ofHours(6)))), List.of(temperature("38.4", "Cel", T0)))));

            assertThat(plan.infectionEvidence()).extracting(Evidence::kind)
                    .containsExactly(Evidence.Kind.FEVER, Evidence.Kind.ANTIBIOTIC);
            assertThat(plan.earliestStart()).isEqualTo(T0.plus(Duration.ofHours(18)));
            assertThat(plan.sessions().get(0).start()).as("04:00 EST: clinic opens 08:00, heat first")
                    .isEqualTo("2025-01-16T13:10:00Z");
        }

        @ParameterizedTest(name = "fever at diagnosis {0} -> infected {1}")
        @CsvSource({
                "-PT72H1M, false",
                "-PT72H,   true",
                "PT0S,     true",
                "PT1S,     false",
        })
        void looksBackSeventyTwoHoursAndNotBeyondNow(Duration offset, boolean infected) {
            PlanDecision decision = plan(input(blockedDuct(T0), List.of(),
                    List.of(temperature("39.0", "Cel", T0.plus(offset)))));

            assertThat(decision).isInstanceOf(infected ? PlanDecision.OnHold.class : PlanDecision.Scheduled.class);
        }

        @ParameterizedTest
        @CsvSource({"registered, false", "preliminary, true", "amended, true", "cancelled, false"})
        void countsOnlyUsableObservationStatuses(String status, boolean infected) {
            TemperatureInput t = new TemperatureInput("Observation/t", List.of(BODY_TEMPERATURE), T0,
                    new BigDecimal("39"), "Cel", status);

            assertThat(plan(input(blockedDuct(T0), List.of(), List.of(t))))
                    .isInstanceOf(infected ? PlanDecision.OnHold.class : PlanDecision.Scheduled.class);
        }
    }

    @Nested
    class OnHold {

        @Test
        void listsTheActivitiesUnscheduledUntilAnAntibioticIsGiven() {
            PlanDecision decision = plan(PlanInput.of(mastitis(T0)));

            assertThat(decision).isInstanceOf(PlanDecision.OnHold.class);
            PlanDecision.OnHold hold = (PlanDecision.OnHold) decision;
            assertThat(hold.sessions()).hasSize(3);
            assertThat(hold.sessions()).flatExtracting(PlannedSession::activities).hasSize(18)
                    .allSatisfy(a -> {
                        assertThat(a.start()).isNull();
                        assertThat(a.status()).isEqualTo("on-hold");
                    });
            assertThat(hold.infectionEvidence()).extracting(Evidence::kind).containsExactly(Evidence.Kind.INFECTION_CODE);
            assertThat(hold.notes()).filteredOn(n -> n.code() == NoteCode.AWAITING_ANTIBIOTIC).singleElement()
                    .extracting(PlanNote::text).asString()
                    .contains("therapy waits for antibiotics: 24 h on them first");
        }
    }

    @Nested
    class Eligibility {

        @Test
        void anAmbiguousCodeNeedsCorroboration() {
            PlanDecision bare = plan(PlanInput.of(diagnosis(List.of(AMBIGUOUS_LACTATION), "Disorder of lactation", T0)));
            PlanDecision corroborated = plan(PlanInput.of(diagnosis(List.of(new Code(ICD10, "O92.7")),
                    "Plugged duct right breast", T0)));

            assertThat(bare).isInstanceOf(PlanDecision.NotEligible.class);
            assertThat(noteCodes(bare)).contains(NoteCode.AMBIGUOUS_UNCORROBORATED);
            assertThat(corroborated).isInstanceOf(PlanDecision.Scheduled.class);
            assertThat(noteCodes(corroborated)).contains(NoteCode.AMBIGUOUS_CORROBORATED);
        }

        @Test
        void anAmbiguousCodeWithASnomedTriggerIsEligible() {
            PlanDecision decision = plan(PlanInput.of(diagnosis(List.of(AMBIGUOUS_LACTATION,
                    new Code(SCT, "1287638006")), null, T0)));

            assertThat(decision).isInstanceOf(PlanDecision.OnHold.class);
        }

        @Test
        void aCodeOutsideTheTriggerSetIsNotEligible() {
            PlanDecision decision = plan(PlanInput.of(diagnosis(List.of(new Code(SCT, "200416006")),
                    "Breast engorgement", T0)));

            assertThat(decision).isInstanceOf(PlanDecision.NotEligible.class);
            assertThat(noteCodes(decision)).contains(NoteCode.NOT_A_TRIGGER);
        }

        @Test
        void anExcludedCodeIsNotEligibleEvenWithATrigger() {
            PlanDecision decision = plan(PlanInput.of(diagnosis(List.of(MASTITIS_LACTATION, new Code(ICD10CM, "N61.0")),
                    "Mastitis", T0)));

            assertThat(decision).isInstanceOf(PlanDecision.NotEligible.class);
            assertThat(noteCodes(decision)).contains(NoteCode.EXCLUDED_DIAGNOSIS);
        }

        @ParameterizedTest
        @CsvSource({"http://hl7.org/fhir/sid/icd-10-cm, O91.13", "http://hl7.org/fhir/sid/icd-10-cm, O91.111",
                "http://hl7.org/fhir/sid/icd-10, O91.1", "http://snomed.info/sct, 10745131000119107"})
        void anAbscessRevokesWithReferral(String system, String code) {
            PlanDecision decision = plan(PlanInput.of(diagnosis(List.of(MASTITIS_LACTATION, new Code(system, code)),
                    "Abscess", T0)));

            assertThat(decision).isInstanceOf(PlanDecision.Revoked.class);
            assertThat(((PlanDecision.Revoked) decision).referral()).isTrue();
            assertThat(noteCodes(decision)).contains(NoteCode.ABSCESS_REFER);
        }

        @ParameterizedTest
        @EnumSource(value = ClinicalStatus.class, names = {"RESOLVED", "INACTIVE", "REMISSION"})
        void aResolvedConditionCompletesThePlan(ClinicalStatus status) {
            PlanDecision decision = plan(PlanInput.of(withStatus(blockedDuct(T0), status, VerificationStatus.CONFIRMED)));

            assertThat(decision).isInstanceOf(PlanDecision.Completed.class);
        }

        @ParameterizedTest
        @EnumSource(value = ClinicalStatus.class, names = {"ACTIVE", "RECURRENCE", "RELAPSE"})
        void activeStatusesArePlanned(ClinicalStatus status) {
            assertThat(plan(PlanInput.of(withStatus(blockedDuct(T0), status, VerificationStatus.CONFIRMED))))
                    .isInstanceOf(PlanDecision.Scheduled.class);
        }

        @Test
        void aMissingClinicalStatusCountsAsActive() {
            assertThat(plan(PlanInput.of(withStatus(blockedDuct(T0), null, null))))
                    .isInstanceOf(PlanDecision.Scheduled.class);
        }

        @ParameterizedTest
        @EnumSource(value = VerificationStatus.class, names = {"REFUTED", "ENTERED_IN_ERROR"})
        void aRefutedDiagnosisRevokesWithoutReferral(VerificationStatus status) {
            PlanDecision decision = plan(PlanInput.of(withStatus(blockedDuct(T0), ClinicalStatus.ACTIVE, status)));

            assertThat(decision).isInstanceOf(PlanDecision.Revoked.class);
            assertThat(((PlanDecision.Revoked) decision).referral()).isFalse();
        }

        @Test
        void aProvisionalDiagnosisIsPlannedWithAWarning() {
            PlanDecision decision = plan(PlanInput.of(withStatus(blockedDuct(T0), ClinicalStatus.ACTIVE,
                    VerificationStatus.PROVISIONAL)));

            assertThat(decision).isInstanceOf(PlanDecision.Scheduled.class);
            assertThat(noteCodes(decision)).contains(NoteCode.DIAGNOSIS_NOT_CONFIRMED);
        }
    }

    @Nested
    class DiagnosisTimeFallback {

        static final Instant RECORDED = Instant.parse("2025-01-15T15:00:00Z");
        static final Instant ASSERTED = Instant.parse("2025-01-15T16:00:00Z");
        static final Instant ONSET = Instant.parse("2025-01-15T17:00:00Z");
        static final Instant RECEIVED = Instant.parse("2025-01-15T18:00:00Z");

        @ParameterizedTest(name = "{4}")
        @CsvSource({
                "true,  true,  true,  true, RECORDED_DATE,   2025-01-15T15:00:00Z",
                "false, true,  true,  true, ASSERTED_DATE,   2025-01-15T16:00:00Z",
                "false, false, true,  true, ONSET_DATE_TIME, 2025-01-15T17:00:00Z",
                "false, false, false, true, RECEIVED,        2025-01-15T18:00:00Z",
        })
        void usesRecordedThenAssertedThenOnsetThenReceived(boolean recorded, boolean asserted, boolean onset,
                                                           boolean received, DiagnosisTimeSource source,
                                                           Instant expected) {
            DiagnosisInput dx = new DiagnosisInput("Condition/dx1", List.of(AMBIGUOUS_LACTATION), "blocked duct",
                    ClinicalStatus.ACTIVE, VerificationStatus.CONFIRMED, recorded ? RECORDED : null,
                    asserted ? ASSERTED : null, onset ? ONSET : null, received ? RECEIVED : null);

            PlanDecision.Scheduled plan = scheduled(CarePlanEngine.plan(PlanInput.of(dx), PROTOCOL, RECEIVED));

            assertThat(plan.diagnosisTime()).isEqualTo(expected);
            assertThat(plan.diagnosisTimeSource()).isEqualTo(source);
            assertThat(plan.deadline()).isEqualTo(expected.plus(Duration.ofHours(48)));
            assertThat(noteCodes(plan)).contains(NoteCode.DIAGNOSIS_TIME_SOURCE);
        }
    }

    /** A session a clinician recorded is history: it stays as recorded and the following sessions follow it. */
    @Nested
    class RecordedSessions {

        static PlanDecision.Scheduled firstPlan() {
            return scheduled(CarePlanEngine.plan(PlanInput.of(blockedDuct(T0)), PROTOCOL, T0));
        }

        /** The first plan as stored, with every activity of session 1 marked completed by the therapist. */
        static List<PriorActivity> withFirstSessionCompleted(PlanDecision.Scheduled plan) {
            return plan.sessions().stream().flatMap(s -> s.activities().stream())
                    .map(a -> new PriorActivity(a.key(), a.start(), a.end(),
                            a.key().startsWith("s1-") ? "completed" : a.status()))
                    .toList();
        }

        static PlanDecision.Scheduled replanWithAntibiotic(List<PriorActivity> prior, Instant antibioticStart,
                                                           Instant now) {
            return scheduled(CarePlanEngine.plan(new PlanInput(blockedDuct(T0), List.of(cephalexin(antibioticStart)),
                    List.of(), prior), PROTOCOL, now));
        }

        @Test
        void anAntibioticAfterACompletedFirstSessionMovesOnlyTheSessionsStillToCome() {
            PlanDecision.Scheduled before = firstPlan();
            Instant antibioticStart = Instant.parse("2025-01-15T16:30:00Z");

            PlanDecision.Scheduled after = replanWithAntibiotic(withFirstSessionCompleted(before), antibioticStart,
                    antibioticStart.plus(Duration.ofMinutes(1)));

            assertThat(after.sessions().get(0).activities()).as("session 1 as recorded")
                    .isEqualTo(before.sessions().get(0).activities().stream().map(a -> a.withStatus("completed")).toList());
            assertThat(after.sessions()).extracting(s -> s.start().toString()).as("no day skipped")
                    .containsExactly("2025-01-15T15:10:00Z", "2025-01-16T16:30:00Z", "2025-01-17T16:30:00Z");
            assertThat(noteCodes(after)).doesNotContain(NoteCode.WINDOW_MISSED, NoteCode.UNRECORDED_SESSION_MOVED);
        }

        @Test
        void theWindowIsJudgedOnTheFirstSessionAsItTookPlace() {
            PlanDecision.Scheduled before = firstPlan();
            Instant antibioticStart = Instant.parse("2025-01-16T16:00:00Z");

            PlanDecision.Scheduled after = replanWithAntibiotic(withFirstSessionCompleted(before), antibioticStart,
                    antibioticStart.plus(Duration.ofMinutes(1)));

            assertThat(after.sessions()).extracting(s -> s.start().toString())
                    .containsExactly("2025-01-15T15:10:00Z", "2025-01-17T16:00:00Z", "2025-01-18T16:00:00Z");
            assertThat(after.windowMet()).isTrue();
            assertThat(noteCodes(after)).doesNotContain(NoteCode.WINDOW_MISSED);
        }

        @ParameterizedTest(name = "antibiotic from {0} -> session 2 at {1}")
        @CsvSource({
                "2025-01-15T15:09:00Z, 2025-01-16T15:10:00Z",
                "2025-01-15T15:10:00Z, 2025-01-16T15:10:00Z",
                "2025-01-15T15:11:00Z, 2025-01-16T15:11:00Z",
        })
        void theNextSessionFollowsTheRecordedOneByTheIntervalAndTheAntibioticLeadTime(Instant antibioticStart,
                                                                                     Instant secondStart) {
            PlanDecision.Scheduled after = replanWithAntibiotic(withFirstSessionCompleted(firstPlan()),
                    antibioticStart, Instant.parse("2025-01-15T16:20:00Z"));

            assertThat(after.sessions().get(1).start()).isEqualTo(secondStart);
            assertThat(after.sessions().get(2).start()).isEqualTo(secondStart.plus(Duration.ofHours(24)));
        }

        @Test
        void anOverdueSessionBeforeARecordedOneKeepsItsTimeWhenAnAntibioticMovesTheRest() {
            PlanDecision.Scheduled before = firstPlan();
            List<PriorActivity> secondCompleted = before.sessions().stream().flatMap(s -> s.activities().stream())
                    .map(a -> new PriorActivity(a.key(), a.start(), a.end(),
                            a.key().startsWith("s2-") ? "completed" : a.status()))
                    .toList();
            Instant antibioticStart = Instant.parse("2025-01-16T18:00:00Z");

            PlanDecision.Scheduled after = replanWithAntibiotic(secondCompleted, antibioticStart,
                    antibioticStart.plus(Duration.ofMinutes(1)));

            assertThat(after.sessions()).extracting(s -> s.start().toString()).as("in order, session 1 not moved")
                    .containsExactly("2025-01-15T15:10:00Z", "2025-01-16T15:10:00Z", "2025-01-17T18:00:00Z");
            assertThat(after.sessions().get(0).activities()).extracting(PlannedActivity::status).containsOnly("scheduled");
            assertThat(after.notes()).filteredOn(n -> n.code() == NoteCode.SESSION_DUE_UNRECORDED).singleElement()
                    .extracting(PlanNote::text).asString().startsWith("Session 1 ");
            assertThat(noteCodes(after)).doesNotContain(NoteCode.UNRECORDED_SESSION_MOVED);
        }

        @Test
        void aLateRecordedFirstSessionIsTheOneTheWindowNoteNames() {
            Instant recordedStart = Instant.parse("2025-01-17T15:30:00Z");
            List<PriorActivity> prior = List.of(new PriorActivity("s1-ultrasound", recordedStart,
                    recordedStart.plus(Duration.ofMinutes(8)), "completed"));

            PlanDecision.Scheduled plan = scheduled(CarePlanEngine.plan(new PlanInput(blockedDuct(T0), List.of(),
                    List.of(), prior), PROTOCOL, Instant.parse("2025-01-17T17:00:00Z")));

            assertThat(plan.sessions().get(0).start()).isEqualTo(recordedStart);
            assertThat(plan.notes()).filteredOn(n -> n.code() == NoteCode.WINDOW_MISSED).singleElement()
                    .extracting(PlanNote::text).asString()
                    .contains("session 1) starts 2025-01-17T15:30:00Z").contains("as recorded");
        }
    }

    @Nested
    class PriorActivities {

        static final Instant LATER = T0.plus(Duration.ofHours(30));

        @Test
        void keepsWhatCliniciansRecordedAndPlansTheRestAgain() {
            List<PriorActivity> prior = List.of(
                    new PriorActivity("s1-ultrasound", Instant.parse("2025-01-15T15:05:00Z"),
                            Instant.parse("2025-01-15T15:13:00Z"), "completed"),
                    new PriorActivity("s1-manual-therapy", Instant.parse("2025-01-15T15:13:00Z"),
                            Instant.parse("2025-01-15T15:28:00Z"), "scheduled"),
                    new PriorActivity("s2-education", Instant.parse("2025-01-20T15:00:00Z"),
                            Instant.parse("2025-01-20T15:10:00Z"), "cancelled"),
                    new PriorActivity("s3-ultrasound", Instant.parse("2025-01-20T15:00:00Z"),
                            Instant.parse("2025-01-20T15:08:00Z"), "scheduled"));

            PlanDecision.Scheduled plan = scheduled(CarePlanEngine.plan(
                    new PlanInput(blockedDuct(T0), List.of(), List.of(), prior), PROTOCOL, LATER));

            PlannedActivity ultrasound = plan.sessions().get(0).activities().get(1);
            assertThat(ultrasound.start()).isEqualTo("2025-01-15T15:05:00Z");
            assertThat(ultrasound.status()).isEqualTo("completed");
            assertThat(plan.sessions().get(0).start()).as("from the recorded ultrasound").isEqualTo("2025-01-15T15:05:00Z");
            PlannedActivity manual = plan.sessions().get(0).activities().get(2);
            assertThat(manual.start()).as("not recorded, but part of a session that took place: kept")
                    .isEqualTo("2025-01-15T15:13:00Z");
            assertThat(manual.status()).isEqualTo("scheduled");
            assertThat(plan.sessions().get(0).activities().get(0).start()).as("heat, not on the stored plan")
                    .isEqualTo("2025-01-15T14:55:00Z");
            PlannedActivity education2 = plan.sessions().get(1).activities().get(3);
            assertThat(education2.start()).as("future: re-planned, 24 h after the recorded session")
                    .isEqualTo("2025-01-16T15:28:00Z");
            assertThat(education2.status()).isEqualTo("cancelled");
            PlannedActivity ultrasound3 = plan.sessions().get(2).activities().get(1);
            assertThat(ultrasound3.start()).isEqualTo("2025-01-17T15:05:00Z");
            assertThat(noteCodes(plan)).contains(NoteCode.PRIOR_ACTIVITY_KEPT);
        }
    
        @Test
        void anAntibioticAfterTheFirstSessionsTimeMovesTheWholeSessionIfNobodyRecordedIt() {
            PlanDecision.Scheduled before = scheduled(CarePlanEngine.plan(
                    new PlanInput(blockedDuct(T0), List.of(), List.of(), List.of()), PROTOCOL, T0));
            List<PriorActivity> prior = storedActivities(before);
            Instant antibioticStart = before.sessions().get(0).start().plus(Duration.ofMinutes(5));
            Instant now = antibioticStart.plus(Duration.ofMinutes(1));

            PlanDecision.Scheduled after = scheduled(CarePlanEngine.plan(new PlanInput(blockedDuct(T0),
                    List.of(cephalexin(antibioticStart)), List.of(), prior), PROTOCOL, now));

            Instant leadTimeEnds = antibioticStart.plus(Duration.ofHours(24));
            assertThat(after.sessions()).allSatisfy(session -> assertThat(session.activities())
                    .allSatisfy(activity -> assertThat(activity.start()).as(activity.key())
                            .isAfterOrEqualTo(leadTimeEnds.minus(Duration.ofMinutes(10)))));
            assertThat(after.sessions().get(0).start()).isAfterOrEqualTo(leadTimeEnds);
            assertThat(noteCodes(after)).doesNotContain(NoteCode.PRIOR_ACTIVITY_KEPT)
                    .contains(NoteCode.UNRECORDED_SESSION_MOVED);
        }
    }
}
