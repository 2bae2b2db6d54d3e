package health.ductcare.fhir;

import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** Factories for the OperationOutcomes the service answers with. */
public final class OperationOutcomes {

    private OperationOutcomes() {
    }

    public static OperationOutcome error(IssueType type, String diagnostics) {
        return single(IssueSeverity.ERROR, type, diagnostics, null);
    }

    public static OperationOutcome error(IssueType type, String diagnostics, String expression) {
        return single(IssueSeverity.ERROR, type, diagnostics, expression);
    }

    public static OperationOutcome information(String diagnostics) {
        return single(IssueSeverity.INFORMATION, IssueType.INFORMATIONAL, diagnostics, null);
    }

    private static OperationOutcome single(IssueSeverity severity, IssueType type, String diagnostics,
            String expression) {
        OperationOutcome outcome = new OperationOutcome();
        OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
                .setSeverity(severity)
                .setCode(type)
                .setDiagnostics(diagnostics);
        if (expression != null) {
            issue.addExpression(expression);
        }
        return outcome;
    }

    /** The issue type a status code stands for when an exception carries no OperationOutcome of its own. */
    public static IssueType issueTypeFor(int status) {
        return switch (status) {
            case 400 -> IssueType.INVALID;
            case 401 -> IssueType.LOGIN;
            case 403 -> IssueType.FORBIDDEN;
            case 404 -> IssueType.NOTFOUND;
            case 405, 406, 415 -> IssueType.NOTSUPPORTED;
            case 409, 412 -> IssueType.CONFLICT;
            case 410 -> IssueType.DELETED;
            case 413 -> IssueType.TOOCOSTLY;
            case 422 -> IssueType.PROCESSING;
            case 429 -> IssueType.THROTTLED;
            default -> status >= 500 ? IssueType.EXCEPTION : IssueType.PROCESSING;
        };
    }
}
