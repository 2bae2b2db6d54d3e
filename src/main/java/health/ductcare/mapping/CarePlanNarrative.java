package health.ductcare.mapping;

import health.ductcare.engine.PlanDecision;
import health.ductcare.engine.PlanNote;
import health.ductcare.engine.PlannedActivity;
import health.ductcare.engine.PlannedHomeActivity;
import health.ductcare.engine.PlannedSession;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.utilities.xhtml.NodeType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

/**
 * The CarePlan's human-readable text: sessions in order with clinic-local and UTC times, then home
 * activities and notes. Built with XhtmlNode because the clinic zone is not part of the CarePlan
 * resource, so a resource-only template could not show local times.
 */
final class CarePlanNarrative {

    private static final DateTimeFormatter LOCAL_DAY = DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("HH:mm z", Locale.ENGLISH);
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("HH:mm'Z'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private CarePlanNarrative() {
    }

    static Narrative of(CarePlan plan, PlanDecision decision, CarePlanContext ctx) {
        ZoneId zone = ctx.protocol().clinicHours().zone();
        XhtmlNode div = new XhtmlNode(NodeType.Element, "div");
        div.setAttribute("xmlns", "http://www.w3.org/1999/xhtml");
        XhtmlNode title = div.addTag("p");
        title.addTag("b").addText(ctx.protocol().title());
        title.addText(" - status " + plan.getStatus().toCode() + ". Protocol " + ctx.protocol().variant() + ", "
                + ctx.protocol().canonical() + ".");
        if (decision instanceof PlanDecision.Scheduled s) {
            div.addTag("p").addText("Diagnosis " + s.diagnosisTime() + " (" + s.diagnosisTimeSource() + "); first"
                    + " session due by " + s.deadline() + "; " + (s.windowMet() ? "window met" : "WINDOW MISSED")
                    + "; infection: " + (s.infected() ? "yes" : "no") + ". Clinic times in " + zone + ".");
            sessions(div, s.sessions(), zone);
            home(div, s.home(), zone);
        } else if (decision instanceof PlanDecision.OnHold h) {
            div.addTag("p").addText("On hold: infection without a usable antibiotic. Diagnosis " + h.diagnosisTime()
                    + " (" + h.diagnosisTimeSource() + ").");
            sessions(div, h.sessions(), zone);
            home(div, h.home(), zone);
        }
        notes(div, decision.notes());
        return new Narrative().setStatus(Narrative.NarrativeStatus.GENERATED).setDiv(div);
    }

    private static void sessions(XhtmlNode div, List<PlannedSession> sessions, ZoneId zone) {
        XhtmlNode table = div.addTag("table");
        XhtmlNode head = table.addTag("tr");
        for (String h : List.of("Session", "Activity", "Clinic time (" + zone + ")", "UTC", "Status")) {
            head.addTag("th").addText(h);
        }
        for (PlannedSession session : sessions) {
            for (PlannedActivity a : session.activities()) {
                XhtmlNode row = table.addTag("tr");
                row.addTag("td").addText(String.valueOf(session.number()));
                row.addTag("td").addText(a.step().title());
                row.addTag("td").addText(a.start() == null ? "not scheduled" : local(a.start(), a.end(), zone));
                row.addTag("td").addText(a.start() == null ? "-" : UTC.format(a.start()) + "-" + UTC_TIME.format(a.end()));
                row.addTag("td").addText(a.status());
            }
        }
    }

    private static void home(XhtmlNode div, List<PlannedHomeActivity> home, ZoneId zone) {
        if (home.isEmpty()) {
            return;
        }
        div.addTag("p").addText("At home (patient):");
        XhtmlNode list = div.addTag("ul");
        for (PlannedHomeActivity h : home) {
            String when = h.start() == null ? "after the first session"
                    : h.step().timesPerPeriod() + "x per " + h.step().period().toHours() + " h from "
                    + LOCAL_DAY.format(h.start().atZone(zone)) + " until " + LOCAL_DAY.format(h.end().atZone(zone))
                    + " (" + UTC.format(h.start()) + " - " + UTC.format(h.end()) + " UTC)";
            list.addTag("li").addText(h.step().title() + ": " + when + ".");
        }
    }

    private static void notes(XhtmlNode div, List<PlanNote> notes) {
        if (notes.isEmpty()) {
            return;
        }
        div.addTag("p").addText("Notes:");
        XhtmlNode list = div.addTag("ul");
        notes.forEach(n -> list.addTag("li").addText(n.severity() + ": " + n.text()));
    }

    private static String local(Instant start, Instant end, ZoneId zone) {
        return LOCAL_DAY.format(start.atZone(zone)) + "-" + LOCAL_TIME.format(end.atZone(zone));
    }
}
