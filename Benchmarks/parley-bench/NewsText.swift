import Foundation
import Negotiation
import Synthetic

/// Deterministic texts for the `extract` step: news sentences about the ceasefire talks, in
/// the style of the seed articles, drawn in a seeded order into paragraphs until a size is
/// reached. Days, weekdays and numbers vary, so that the events do not all merge into a few.
enum NewsText {
    /// A French article of at least `bytes` bytes (UTF-8): a title, then paragraphs of two to
    /// five sentences, a short heading now and then.
    static func article(bytes: Int, seed: UInt64) -> String {
        var rng = SplitMix64(seed: seed)
        var paragraphs = ["Moscou et Kiev s'accusent de violer la trêve énergétique"]
        var size = paragraphs[0].utf8.count
        while size < bytes {
            if rng.next(below: 8) == 0 {
                let heading = headingsFR[Int(rng.next(below: UInt64(headingsFR.count)))]
                paragraphs.append(heading)
                size += heading.utf8.count + 2
            }
            let count = 2 + Int(rng.next(below: 4))
            let paragraph = (0..<count).map { _ in sentence(sentencesFR, weekdaysFR, &rng) }.joined(separator: " ")
            paragraphs.append(paragraph)
            size += paragraph.utf8.count + 2
        }
        return paragraphs.joined(separator: "\n\n") + "\n"
    }

    /// English words without a single sentence mark (`.`, `!`, `?`, `…`) or line break, of at
    /// least `bytes` bytes: what a transcript without punctuation, or a mangled export, looks
    /// like. Commas, quotes and apostrophes stay.
    static func unpunctuated(bytes: Int, seed: UInt64) -> String {
        var rng = SplitMix64(seed: seed)
        var pieces: [String] = []
        var size = 0
        while size < bytes {
            let words = sentence(sentencesEN, weekdaysEN, &rng).filter { !".!?…\n".contains($0) }
            pieces.append(words)
            size += words.utf8.count + 1
        }
        return pieces.joined(separator: " ")
    }

    /// A template with `{day}`, `{weekday}` and `{n}` filled in.
    private static func sentence(_ templates: [String], _ weekdays: [String], _ rng: inout SplitMix64) -> String {
        var text = templates[Int(rng.next(below: UInt64(templates.count)))]
        if text.contains("{day}") { text = text.replacingOccurrences(of: "{day}", with: String(1 + rng.next(below: 28))) }
        if text.contains("{weekday}") {
            text = text.replacingOccurrences(of: "{weekday}", with: weekdays[Int(rng.next(below: UInt64(weekdays.count)))])
        }
        if text.contains("{n}") { text = text.replacingOccurrences(of: "{n}", with: String(2 + rng.next(below: 40))) }
        return text
    }

    static let weekdaysFR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    static let weekdaysEN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    static let headingsFR = [
        "Les pourparlers d'Istanbul", "Changement de ton à Washington", "Sur le front", "Réactions à Kiev",
        "Ce que contient la proposition américaine", "Une trêve fragile",
    ]

    static let sentencesFR = [
        "Le président russe Vladimir Poutine a rencontré l'envoyé américain Steve Witkoff le {day} mars à Moscou pour discuter de la proposition américaine d'un cessez-le-feu de 30 jours, a déclaré {weekday} le porte-parole du Kremlin, Dmitri Peskov.",
        "L'Ukraine a accepté le {day} mars la proposition américaine d'un cessez-le-feu de 30 jours, à condition que la Russie s'engage à cesser ses frappes sur les infrastructures énergétiques.",
        "« Il existe certainement des raisons d'être prudemment optimiste », a déclaré M. Peskov, à propos de la proposition de cessez-le-feu. « Il reste encore beaucoup à faire. »",
        "Moscou et Kiev s'accusent mutuellement d'avoir violé la trêve sur les infrastructures énergétiques depuis le {day} mars.",
        "Des pourparlers entre des responsables russes et américains ont commencé {weekday} matin à Istanbul, dans un climat de rapprochement entre Moscou et Washington.",
        "Selon Kiev, la Russie a violé le cessez-le-feu en mer Noire en frappant le port d'Odessa dans la nuit de {weekday} à {weekday}.",
        "Le Kremlin a exigé que les sanctions occidentales sur les exportations agricoles russes soient levées avant toute trêve en mer Noire.",
        "Kiev a rejeté {weekday} toute condition liant la navigation commerciale en mer Noire à la levée des sanctions, a indiqué le ministre ukrainien de la Défense.",
        "M. Trump pourrait rencontrer M. Poutine dans les prochaines semaines, ont affirmé des responsables américains, sans préciser de date.",
        "Washington a proposé le {day} mars un cessez-le-feu en mer Noire, quelques jours après que l'Ukraine a accepté une trêve de 30 jours.",
        "L'armée russe a pris de l'ampleur sur le champ de bataille, et les analystes estiment que M. Poutine sera réticent à conclure un cessez-le-feu précipité.",
        "Volodymyr Zelensky s'est entretenu avec Donald Trump {weekday} soir lors d'un appel téléphonique consacré aux centrales électriques, a indiqué la présidence ukrainienne.",
        "Les négociateurs américains et ukrainiens se sont réunis à Djeddah le {day} mars pour une réunion de {n} heures sur la sécurité maritime.",
        "La Russie n'a pas accepté la trêve générale proposée par Washington, a souligné Sergueï Lavrov, qui réclame des garanties sur le commerce maritime.",
        "Il y a {n} jours, la Maison-Blanche avait présenté un plan de paix en {n} points, que Moscou a rejeté en bloc.",
        "Les deux parties doivent se retrouver {weekday} prochain à Riyad, selon des sources diplomatiques citées par l'agence Reuters.",
        "Des frappes de drones ont visé des installations d'énergie dans la région de Koursk, et chacun accuse l'autre camp de non-respect de la trêve.",
        "La Chine a salué les efforts de médiation et s'est dit favorable à un cessez-le-feu global, a rapporté l'agence Chine nouvelle.",
    ]

    static let sentencesEN = [
        "American and Russian negotiators met in Riyadh on {weekday} for {n} hours of talks on a ceasefire for commercial shipping in the Black Sea.",
        "The Kremlin said on {weekday} that Moscow demanded that Western sanctions on Russian farm exports be lifted before any Black Sea truce could take effect.",
        "Kyiv has not agreed to that demand, and Ukraine's defence minister said the country rejected any link between shipping and sanctions.",
        "Washington proposed the maritime ceasefire in March, days after Ukraine accepted a 30-day ceasefire on March {day}.",
        "Russia and Ukraine have accused each other of violating the energy truce since March {day}.",
        "Mr. Trump could meet Mr. Putin in the coming weeks, officials said.",
        "\"We are close, very close,\" Steve Witkoff told reporters on {weekday}, after a {n}-hour meeting with Vladimir Putin in Moscow.",
        "Volodymyr Zelensky spoke with Donald Trump by phone on {weekday} about power plants and the protection of the power grid.",
        "Sergei Lavrov rejected the American proposal for a 30-day truce, saying Russia would agree only if arms deliveries to Ukraine stopped.",
        "Ukrainian officials said Russian drones breached the energy ceasefire {n} times in the past week.",
        "China endorsed the Black Sea talks and offered to host a summit between the two sides in Beijing.",
        "A senior American official said the White House had put forward a peace plan in {n} points on March {day}.",
    ]
}
