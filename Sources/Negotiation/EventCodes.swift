/// An act in the event-data vocabularies other tools code news with: a CAMEO code (the
/// Conflict and Mediation Event Observations codebook, 0.9B5) and its PLOVER event type (the
/// CAMEO-to-PLOVER table of 2021). CAMEO does not tell offering a truce from agreeing to one
/// (both 0356); the event's own `type` does.
public struct EventCodes: Sendable, Hashable, Codable {
    public var cameo: String
    /// CAMEO's name for the code.
    public var cameoName: String
    public var plover: String

    /// The codes of an act; `nil` for what is no act of a party (a source, a fix, a term that
    /// ran out).
    public init?(_ event: Event) {
        switch event.type {
        case .proposal, .acceptance:
            self.init("0356", "Express intent to de-escalate military engagement", "AGREE")
        case .condition:
            self.init("100", "Demand", "DEMAND")
        case .rejection:
            self.init("1246", "Decline to de-escalate military engagement", "REJECT")
        case .violation:
            // A violation is an allegation, never a finding.
            self.init("1123", "Accuse of aggression", "ACCUSE")
        case .meeting where event.planned:
            self.init("036", "Express intent to meet or negotiate", "AGREE")
        case .meeting where event.format == .call || event.format == .video:
            self.init("041", "Discuss by telephone", "CONSULT")
        case .meeting:
            self.init("046", "Engage in negotiation", "CONSULT")
        case .start, .extension:
            self.init("0871", "Declare truce, ceasefire", "RETREAT")
        case .end where event.endReason == .withdrawn || event.endReason == .collapsed:
            self.init("1246", "Decline to de-escalate military engagement", "REJECT")
        case .end, .source, .correction, .retraction:
            return nil
        }
    }

    init(_ cameo: String, _ cameoName: String, _ plover: String) {
        self.cameo = cameo
        self.cameoName = cameoName
        self.plover = plover
    }
}
