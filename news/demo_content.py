"""The demo news a newly started site is filled with (see `manage.py load_demo_content`).

The texts are written as an editor would write them in admin: only the HTML the body editor
allows (news.body.EDITOR_EXTENSIONS).
"""

import re
from dataclasses import dataclass
from enum import StrEnum

# Replaced with the address of the uploaded image when the article is created: a body may
# only show images the site hosts itself.
FIGURE_SRC = "{figure_src}"

_BLOCK_TAG = re.compile(r"\s*(</?(?:h2|h3|p|ul|ol|li|blockquote|figure|figcaption)\b[^>]*>)\s*")


def _html(text: str) -> str:
    # The texts are wrapped to fit the source; the stored body should look like what the
    # editor itself saves, without line breaks between blocks.
    return _BLOCK_TAG.sub(r"\1", " ".join(text.split()))


class Motif(StrEnum):
    NETWORK = "network"
    CIRCLES = "circles"
    GRID = "grid"
    WAVES = "waves"
    BARS = "bars"


# What each generated hero illustration shows, for its alternative text.
MOTIF_DESCRIPTIONS = {
    Motif.NETWORK: "ljusa punkter som binds samman av tunna linjer, som ett nätverk",
    Motif.CIRCLES: "stora, halvgenomskinliga cirklar som överlappar varandra",
    Motif.GRID: "ett rutnät av rundade rutor där några är fyllda med en starkare färg",
    Motif.WAVES: "mjuka vågor i flera lager som påminner om ett kuperat landskap",
    Motif.BARS: "staplar som blir högre från vänster till höger, som i ett diagram",
}


@dataclass(frozen=True)
class Palette:
    start: tuple[int, int, int]
    end: tuple[int, int, int]
    accent: tuple[int, int, int]
    start_name: str
    end_name: str


# Calm, fairly dark backgrounds so light shapes stand out clearly against them.
PALETTES = (
    Palette((0, 51, 102), (0, 121, 128), (255, 214, 102), "mörkblått", "turkos"),
    Palette((22, 78, 48), (104, 160, 104), (240, 233, 200), "mörkgrönt", "ljusgrönt"),
    Palette((58, 38, 108), (96, 140, 204), (255, 190, 150), "djuplila", "ljusblått"),
    Palette((16, 74, 92), (196, 176, 140), (255, 255, 255), "petroleumblått", "sand"),
    Palette((112, 28, 44), (214, 118, 64), (255, 232, 190), "vinrött", "varmt orange"),
    Palette((40, 46, 58), (140, 150, 166), (120, 200, 220), "grafitgrått", "ljusgrått"),
)


@dataclass(frozen=True)
class DemoArticle:
    title: str
    lead: str
    body: str
    categories: tuple[str, ...]
    # Negative for an article scheduled to appear in the future.
    days_ago: int
    # None: the article has no hero image.
    motif: Motif | None = None
    hero_is_decorative: bool = False
    is_draft: bool = False


@dataclass(frozen=True)
class DemoFigure:
    file_name: str
    description: str
    alt_text: str


CATEGORIES = ("Innovation", "Digitalisering", "Upphandling", "Hållbarhet", "Kommuner och regioner")
# What the category pages say under their heading.
CATEGORY_DESCRIPTIONS = {
    "Innovation": "Nya arbetssätt och lösningar som kommuner och regioner prövar och sprider.",
    "Digitalisering": "Digitala tjänster, infrastruktur och samarbeten för en modern välfärd.",
    "Upphandling": "Avtal, upphandlingar och stöd för den som köper in till offentlig sektor.",
    "Hållbarhet": "Klimat, miljö och social hållbarhet i offentliga inköp och verksamheter.",
    "Kommuner och regioner": "Nyheter från och om våra medlemmar runt om i landet.",
}

FIGURE = DemoFigure(
    file_name="innovationsnatverket-noder.jpg",
    description="Diagram över innovationsnätverkets fem regionala noder",
    alt_text=(
        "Diagram med en stor cirkel i mitten som är förbunden med fem mindre cirklar runt omkring."
    ),
)

INNOVATION_NETWORK = DemoArticle(
    title="Nätverk för stärkt innovationskraft",
    lead=(
        "Nu startar ett nationellt nätverk där kommuner och regioner tillsammans utvecklar nya "
        "arbetssätt och lösningar. Nätverket är öppet för alla som vill dela erfarenheter och "
        "driva förändring i offentlig sektor."
    ),
    body=_html(f"""
        <p>Många kommuner och regioner står inför samma utmaningar: fler äldre, ökade krav på
        digitala tjänster och en allt svårare kompetensförsörjning. Samtidigt finns lösningarna
        ofta utspridda hos enskilda organisationer. Det nya innovationsnätverket ska göra det
        enklare att hitta varandra, lära av varandra och ta goda idéer vidare.</p>
        <h2>Från enskilda projekt till gemensam kraft</h2>
        <p>Under det senaste året har vi fört samtal med ett fyrtiotal kommuner och regioner om
        hur de arbetar med innovation. En tydlig bild har vuxit fram: viljan finns, men tiden och
        strukturerna räcker inte till. Projekt som faller väl ut stannar ofta i den egna
        organisationen, och samma lärdomar görs om och om igen på andra håll.</p>
        <blockquote>
        <p>Vi ser fantastiska initiativ runt om i landet, men de sprids för långsamt. Med
        nätverket vill vi korta vägen från en lyckad idé i en kommun till nytta för invånare i
        hela Sverige.</p>
        <p class="quote-source">Karin Lindqvist, innovationsstrateg</p>
        </blockquote>
        <h2>Så fungerar nätverket</h2>
        <p>Nätverket träffas digitalt varannan månad och på plats två gånger om året. Arbetet
        följer fem steg som återkommer under året:</p>
        <ol>
        <li><p><strong>Behov:</strong> deltagarna lyfter utmaningar från den egna
        verksamheten.</p></li>
        <li><p><strong>Urval:</strong> nätverket väljer tillsammans ut de behov som flest
        delar.</p></li>
        <li><p><strong>Idéutveckling:</strong> arbetsgrupper tar fram förslag tillsammans med
        invånare och medarbetare.</p></li>
        <li><p><strong>Test:</strong> lösningarna prövas i liten skala i en eller flera
        organisationer.</p></li>
        <li><p><strong>Spridning:</strong> resultat och erfarenheter delas öppet, så att fler
        kan ta efter.</p></li>
        </ol>
        <figure>
        <img src="{FIGURE_SRC}" alt="Diagram med en stor cirkel i mitten som är förbunden med
        fem mindre cirklar runt omkring.">
        <figcaption>Nätverket bygger på fem regionala noder som delar erfarenheter med varandra
        och med inköpscentralen.</figcaption>
        </figure>
        <h3>Stöd i upphandlingen</h3>
        <p>När en idé är redo att skalas upp behöver den ofta upphandlas. Därför är våra
        upphandlare med i nätverket från början. De hjälper till med behovsanalys,
        marknadsdialog och val av upphandlingsform, till exempel innovationsupphandling eller
        innovationspartnerskap.</p>
        <h3>Vem kan delta?</h3>
        <p>Nätverket vänder sig till medarbetare i kommuner, regioner och kommunala bolag som
        arbetar med verksamhetsutveckling, digitalisering eller inköp. Det kostar ingenting att
        delta, men vi ser gärna att varje organisation avsätter tid för minst en
        representant.</p>
        <p><a href="https://example.org/innovationsnatverket/anmalan">Anmäl dig till
        nätverket</a></p>
        <h2>Fakta</h2>
        <ul>
        <li><p><strong>Start:</strong> den första digitala träffen hålls i början av nästa
        månad.</p></li>
        <li><p><strong>Omfattning:</strong> sex digitala träffar och två träffar på plats per
        år.</p></li>
        <li><p><strong>Målgrupp:</strong> kommuner, regioner och kommunala bolag.</p></li>
        <li><p><strong>Kostnad:</strong> kostnadsfritt för deltagarna.</p></li>
        <li><p><strong>Kontakt:</strong> innovation@example.org</p></li>
        </ul>
    """),
    categories=("Innovation", "Digitalisering"),
    days_ago=1,
    motif=Motif.NETWORK,
)

ARTICLES = (
    INNOVATION_NETWORK,
    DemoArticle(
        title="Ny upphandling av e-tjänsteplattformar startar",
        lead=(
            "Inköpscentralen inleder nu en upphandling av plattformar för e-tjänster och "
            "digitala ärenden. Kommuner och regioner kan fortfarande anmäla intresse och "
            "påverka kraven."
        ),
        body=_html("""
            <p>Allt fler invånare vill kunna söka bygglov, anmäla frånvaro eller ansöka om
            bistånd digitalt, när det passar dem. För många kommuner är dagens
            e-tjänsteplattform snart uttjänt, och avtalen löper ut under de kommande åren.
            Därför startar vi nu en samordnad upphandling.</p>
            <h2>Krav som tagits fram tillsammans</h2>
            <p>Kraven har arbetats fram i en referensgrupp med representanter för tolv kommuner
            och två regioner. Gruppen har lagt särskild vikt vid tre områden:</p>
            <ul>
            <li><p>tillgänglighet enligt lagen om tillgänglighet till digital offentlig
            service,</p></li>
            <li><p>möjligheten att koppla ihop plattformen med befintliga verksamhetssystem via
            öppna gränssnitt,</p></li>
            <li><p>informationssäkerhet och behandling av personuppgifter inom EU/EES.</p></li>
            </ul>
            <h2>Marknadsdialog före annonsering</h2>
            <p>Innan upphandlingen annonseras bjuder vi in leverantörer till en öppen
            marknadsdialog. Syftet är att pröva att kraven är rimliga och att de inte i onödan
            stänger ute mindre aktörer. Frågor och svar från dialogen publiceras för alla
            intresserade.</p>
            <h3>Tidplan</h3>
            <p>Annonseringen planeras till början av nästa år, och avtalen beräknas kunna börja
            användas under hösten. Anslutna organisationer får löpande information på
            kundwebben och i våra nyhetsbrev.</p>
        """),
        categories=("Upphandling", "Digitalisering"),
        days_ago=6,
        motif=Motif.GRID,
    ),
    DemoArticle(
        title="AI kan avlasta handläggare – men kräver tydliga ramar",
        lead=(
            "Generativ AI kan frigöra tid i kommunernas handläggning, visar erfarenheterna från "
            "ett första pilotprojekt. Men tekniken måste användas inom tydliga ramar för "
            "rättssäkerhet och dataskydd."
        ),
        body=_html("""
            <p>Under våren har tre kommuner prövat AI-stöd för att sammanfatta ärenden och ta
            fram utkast till svar på vanliga frågor från invånare. Resultatet är lovande:
            handläggarna säger att de sparar tid på rutinuppgifter och kan lägga mer kraft på
            de ärenden som kräver ett personligt möte.</p>
            <h2>Människan fattar besluten</h2>
            <p>En grundprincip i piloten har varit att AI aldrig fattar beslut. Verktyget
            föreslår, men det är alltid en handläggare som granskar, ändrar och ansvarar för
            det som skickas ut. Det är avgörande för rättssäkerheten och för förtroendet för
            offentlig sektor.</p>
            <blockquote>
            <p>Den största vinsten var inte tiden vi sparade, utan att vi fick syn på vilka
            frågor invånarna faktiskt ställer.</p>
            <p class="quote-source">Ahmed Hassan, enhetschef i en av pilotkommunerna</p>
            </blockquote>
            <h2>Lärdomar inför nästa steg</h2>
            <h3>Börja i det lilla</h3>
            <p>Pilotkommunerna rekommenderar att börja med avgränsade uppgifter där riskerna är
            låga, till exempel att sammanfatta interna dokument, innan man går vidare till
            uppgifter som rör enskilda invånare.</p>
            <h3>Ta reda på var uppgifterna hamnar</h3>
            <p>Innan ett AI-verktyg tas i bruk behöver organisationen veta var uppgifterna
            behandlas, hur länge de sparas och om de används för att träna modellen. Här kan
            väl formulerade krav i upphandlingen göra stor skillnad.</p>
            <p>Erfarenheterna från piloten samlas nu i en vägledning som publiceras under
            hösten.</p>
        """),
        categories=("Digitalisering", "Innovation"),
        days_ago=12,
        motif=Motif.CIRCLES,
    ),
    DemoArticle(
        title="Klimatkrav i livsmedelsupphandlingen ger effekt",
        lead=(
            "Kommuner som ställt tydliga klimatkrav i sina livsmedelsavtal har minskat "
            "utsläppen från skolmåltiderna. Uppföljningen visar också att kostnaden inte har "
            "ökat."
        ),
        body=_html("""
            <p>Offentliga kök serverar varje dag hundratusentals måltider i skolor, förskolor
            och på äldreboenden. Det gör livsmedelsupphandlingen till ett av de mest kraftfulla
            verktygen för att minska offentlig sektors klimatpåverkan.</p>
            <h2>Smartare menyer och bättre krav</h2>
            <p>Uppföljningen omfattar åtta kommuner som under två år har arbetat med klimatkrav
            i både upphandling och menyplanering. De vanligaste åtgärderna har varit att servera
            mer baljväxter, välja säsongens grönsaker och ställa krav på transporter och
            förpackningar.</p>
            <p>Genom att kombinera kraven med minskat matsvinn har flera kommuner kunnat hålla
            kostnaden oförändrad, trots högre krav på råvarorna.</p>
            <h2>Så kommer ni igång</h2>
            <ol>
            <li><p>Kartlägg vilka livsmedel som står för den största klimatpåverkan i er
            verksamhet.</p></li>
            <li><p>Involvera kockar och måltidspersonal tidigt.</p></li>
            <li><p>Använd färdiga hållbarhetskriterier i stället för att formulera
            egna.</p></li>
            <li><p>Följ upp kraven under avtalstiden – annars får de ingen effekt.</p></li>
            </ol>
            <p>Vill ni veta mer? Våra hållbarhetsspecialister hjälper gärna till inför nästa
            upphandling.</p>
        """),
        categories=("Hållbarhet", "Upphandling"),
        days_ago=19,
        motif=Motif.WAVES,
    ),
    DemoArticle(
        title="Testa tillgängligheten i era e-tjänster med ny checklista",
        lead=(
            "Vi har tagit fram en checklista som hjälper kommuner och regioner att själva "
            "kontrollera tillgängligheten i sina e-tjänster."
        ),
        body=_html("""
            <p>Sedan 2019 ska offentliga webbplatser och e-tjänster vara tillgängliga för alla,
            oavsett funktionsförmåga. Ändå visar granskningar att många tjänster fortfarande
            har brister, till exempel formulär som inte går att fylla i med tangentbordet eller
            bilder som saknar textalternativ.</p>
            <h2>Kontroller som alla kan göra</h2>
            <p>Checklistan innehåller tio kontroller som inte kräver några specialkunskaper.
            Några exempel:</p>
            <ul>
            <li><p>Går det att använda hela tjänsten med enbart tangentbordet?</p></li>
            <li><p>Syns det tydligt var fokus befinner sig?</p></li>
            <li><p>Har alla formulärfält en beskrivande etikett?</p></li>
            <li><p>Fungerar sidan när texten förstoras till 200 procent?</p></li>
            </ul>
            <h2>Ställ krav redan i upphandlingen</h2>
            <p>Det är betydligt dyrare att rätta brister i efterhand än att undvika dem från
            början. I våra avtal för e-tjänster ingår därför krav på att leverantören ska
            uppfylla standarden EN 301 549 och kunna visa hur tillgängligheten har
            testats.</p>
            <h3>Glöm inte tillgänglighetsredogörelsen</h3>
            <p>Varje offentlig webbplats ska ha en tillgänglighetsredogörelse som beskriver
            kända brister och hur besökare kan påtala problem. Checklistan hjälper er att hålla
            den aktuell.</p>
        """),
        categories=("Digitalisering", "Kommuner och regioner"),
        days_ago=27,
        motif=Motif.GRID,
    ),
    DemoArticle(
        title="Fler kommuner samverkar kring gemensamma it-system",
        lead=(
            "Allt fler kommuner går samman när de byter verksamhetssystem. Genom att upphandla "
            "tillsammans får de bättre villkor och delar på kostnaden för införandet."
        ),
        body=_html("""
            <p>Att byta verksamhetssystem för till exempel socialtjänst, skola eller ekonomi är
            ett stort åtagande, särskilt för en mindre kommun. Den kompetens som behövs för
            kravställning, upphandling, flytt av data och utbildning finns sällan samlad på ett
            ställe.</p>
            <h2>Styrka i samverkan</h2>
            <p>I en samverkan mellan sex kommuner i mellersta Sverige har man tillsammans
            upphandlat ett nytt system för förskola och skola. Kommunerna har delat på arbetet
            med kraven och planerar nu ett gemensamt införande.</p>
            <blockquote>
            <p>Ensamma hade vi aldrig klarat det här på ett år. Nu kunde vi lägga vår energi på
            det som är unikt för oss.</p>
            <p class="quote-source">Maria Nilsson, it-chef</p>
            </blockquote>
            <h2>Det här behöver ni tänka på</h2>
            <h3>Gemensam styrning</h3>
            <p>Ett samverkansavtal som reglerar beslutsvägar, kostnadsfördelning och ansvar är
            en förutsättning för att arbetet ska fungera över tid.</p>
            <h3>Lika behov, men inte identiska</h3>
            <p>Kommunerna behöver enas om vad som ska vara gemensamt och var det finns utrymme
            för lokala anpassningar. Ju mer som kan göras lika, desto lägre blir kostnaderna
            för förvaltning och vidareutveckling.</p>
        """),
        categories=("Kommuner och regioner", "Digitalisering"),
        days_ago=34,
        motif=Motif.NETWORK,
    ),
    DemoArticle(
        title="Innovationsupphandling: börja med behovet, inte med lösningen",
        lead=(
            "Den som beskriver ett problem i stället för en färdig lösning ger marknaden "
            "utrymme att komma med nya idéer. Det är kärnan i innovationsupphandling, som allt "
            "fler organisationer vill pröva."
        ),
        body=_html("""
            <p>En traditionell upphandling beskriver ofta i detalj vad som ska köpas. Det
            fungerar bra för kända varor och tjänster, men riskerar att stänga dörren för nya
            och bättre lösningar. I en innovationsupphandling beskriver organisationen i stället
            behovet och de resultat den vill uppnå.</p>
            <h2>Funktionskrav i stället för detaljkrav</h2>
            <p>Ett exempel: i stället för att efterfråga ett visst antal sensorer på ett
            äldreboende kan en region beskriva målet att upptäcka fallolyckor snabbare, utan
            att inkräkta på de boendes integritet. Leverantörerna får sedan visa hur de kan nå
            dit.</p>
            <h2>Tre vanliga frågor</h2>
            <h3>Är det krångligare än en vanlig upphandling?</h3>
            <p>Förberedelserna tar ofta längre tid, eftersom behovet behöver analyseras noga.
            Själva upphandlingen följer samma regelverk som andra upphandlingar.</p>
            <h3>Vad händer om ingen lösning fungerar?</h3>
            <p>Med ett innovationspartnerskap kan utvecklingen delas in i etapper, och
            organisationen kan avbryta om resultaten uteblir. Risken blir då begränsad.</p>
            <h3>Var får vi stöd?</h3>
            <p>Våra upphandlare hjälper till med behovsanalys och marknadsdialog. Kontakta oss
            gärna tidigt i processen.</p>
        """),
        categories=("Innovation", "Upphandling"),
        days_ago=43,
        motif=Motif.CIRCLES,
    ),
    DemoArticle(
        title="Cirkulära möbler sparar pengar och minskar klimatpåverkan",
        lead=(
            "Att renovera och återanvända möbler i stället för att köpa nytt har blivit ett "
            "självklart val för flera kommuner. Ett nytt avtal gör det enklare för fler att "
            "följa efter."
        ),
        body=_html("""
            <p>Kontorsstolar, skolbänkar och bokhyllor byts ofta ut långt innan de är
            utslitna. Genom att i stället renovera, klä om och flytta möbler mellan
            verksamheter kan en kommun minska både kostnaderna och klimatpåverkan
            betydligt.</p>
            <h2>Ett avtal för hela kedjan</h2>
            <p>Det nya avtalet omfattar inventering, renovering, omklädsel och försäljning av
            begagnade möbler, men också nya möbler när det behövs. Leverantörerna ska kunna
            redovisa möblernas klimatpåverkan och erbjuda reservdelar i minst tio år.</p>
            <h3>Börja med en inventering</h3>
            <p>Många organisationer vet inte hur många möbler de har eller var de finns. En
            inventering är därför ofta det första steget, och den betalar sig snabbt när möbler
            kan flyttas i stället för att köpas in.</p>
            <p>Avtalet kan användas av alla anslutna kommuner, regioner och kommunala
            bolag.</p>
        """),
        categories=("Hållbarhet", "Kommuner och regioner"),
        days_ago=51,
        motif=Motif.WAVES,
        hero_is_decorative=True,
    ),
    DemoArticle(
        title="Nytt avtal för elfordon och laddinfrastruktur",
        lead=(
            "Kommuner och regioner kan nu avropa elbilar, laddboxar och service i ett och samma "
            "avtal. Det ska göra omställningen till en fossilfri fordonsflotta enklare."
        ),
        body=_html("""
            <p>Offentlig sektors fordon kör varje dag långa sträckor inom hemtjänst,
            hemsjukvård och teknisk förvaltning. Att ställa om till el är ett av de mest
            konkreta sätten att minska utsläppen, men det kräver att fordon och laddning
            planeras tillsammans.</p>
            <h2>Fordon och laddning i samma avtal</h2>
            <p>Avtalet omfattar personbilar och lätta transportfordon, laddboxar för
            arbetsplatser samt installation och underhåll av laddpunkter. Organisationen
            behöver därmed inte samordna flera leverantörer.</p>
            <h2>Stöd i omställningen</h2>
            <ul>
            <li><p>Ett verktyg för att beräkna hur stor del av fordonsflottan som kan bytas till
            el redan i dag.</p></li>
            <li><p>Vägledning om laddning på arbetsplatsen.</p></li>
            <li><p>Kontaktpersoner som svarar på frågor under hela avtalstiden.</p></li>
            </ul>
            <p>Avtalet gäller i två år med möjlighet till förlängning.</p>
        """),
        categories=("Hållbarhet", "Upphandling"),
        days_ago=62,
        motif=Motif.BARS,
    ),
    DemoArticle(
        title="Medarbetarna i centrum när regionerna byter system",
        lead=(
            "När regionerna byter stora it-system blir den digitala arbetsmiljön allt viktigare. "
            "Ett nytt erfarenhetsutbyte samlar lärdomar från flera införanden."
        ),
        body=_html("""
            <p>Ett nytt system kan göra vardagen enklare för tusentals medarbetare, men det kan
            också skapa stress om det införs utan tillräckliga förberedelser. Erfarenheterna
            från flera regioner visar att den digitala arbetsmiljön behöver få samma
            uppmärksamhet som tekniken.</p>
            <h2>Användarna med från början</h2>
            <p>De regioner som lyckats bäst har låtit sjuksköterskor, läkare och
            administratörer pröva systemen redan under upphandlingen, till exempel genom
            användbarhetstester som en del av utvärderingen av anbuden.</p>
            <h3>Utbildning vid rätt tillfälle</h3>
            <p>Korta utbildningar nära införandet, tillsammans med superanvändare på varje
            arbetsplats, fungerar bättre än långa utbildningar flera månader innan systemet tas
            i bruk.</p>
            <h2>Ett erfarenhetsutbyte för fler</h2>
            <p>Vi samlar nu regioner och kommuner som står inför större systembyten i ett
            erfarenhetsutbyte. Den första träffen handlar om hur användbarhet kan vägas in när
            anbuden utvärderas.</p>
        """),
        categories=("Digitalisering", "Kommuner och regioner"),
        days_ago=74,
    ),
    DemoArticle(
        title="Välfärdsteknik i hemtjänsten: lärdomar från tre kommuner",
        lead=(
            "Digital nattillsyn, läkemedelsrobotar och trygghetslarm har gett äldre mer "
            "självständighet i tre kommuner. Men erfarenheterna visar att tekniken bara är en "
            "del av lösningen."
        ),
        body=_html("""
            <p>Hemtjänsten står inför en stor utmaning: antalet äldre ökar snabbare än antalet
            medarbetare. Välfärdsteknik kan bidra till att fler får stöd på ett sätt som passar
            dem, samtidigt som personalens tid används där den gör mest nytta.</p>
            <h2>Digital tillsyn ger lugnare nätter</h2>
            <p>I en av kommunerna kan de som vill få digital tillsyn nattetid i stället för
            fysiska besök. Många av de äldre säger att de sover bättre när de inte väcks av att
            någon öppnar dörren.</p>
            <blockquote>
            <p>Vi frågar alltid den enskilde först. Tekniken ska vara ett erbjudande, aldrig
            ett tvång.</p>
            <p class="quote-source">Eva Johansson, verksamhetsutvecklare inom
            äldreomsorgen</p>
            </blockquote>
            <h2>Tre lärdomar</h2>
            <ol>
            <li><p>Utgå från den enskildes behov och gör en individuell bedömning.</p></li>
            <li><p>Se till att tekniken fungerar ihop med verksamhetens övriga
            system.</p></li>
            <li><p>Ge medarbetarna tid att lära sig de nya arbetssätten.</p></li>
            </ol>
            <p>Inköpscentralens avtal för välfärdsteknik kan användas av alla anslutna
            kommuner.</p>
        """),
        categories=("Innovation", "Kommuner och regioner"),
        days_ago=88,
        motif=Motif.CIRCLES,
    ),
    DemoArticle(
        title="Så ställer ni krav på informationssäkerhet i molntjänster",
        lead=(
            "Molntjänster kan ge offentlig sektor flexibilitet och lägre kostnader, men kräver "
            "noggranna överväganden om säkerhet och dataskydd. Ny vägledning hjälper er att "
            "ställa rätt krav."
        ),
        body=_html("""
            <p>Allt fler kommuner och regioner använder molntjänster för e-post, samarbete och
            verksamhetssystem. Samtidigt är osäkerheten stor om vilka krav som behöver ställas,
            särskilt när leverantören har kopplingar till länder utanför EU/EES.</p>
            <h2>Börja med en riskbedömning</h2>
            <p>Innan kraven formuleras behöver organisationen klassa den information som ska
            hanteras. Uppgifter som omfattas av sekretess eller är känsliga personuppgifter
            kräver ett annat skydd än information som redan är offentlig.</p>
            <h2>Krav att överväga</h2>
            <ul>
            <li><p>Var lagras och behandlas informationen, och vilka underleverantörer kommer åt
            den?</p></li>
            <li><p>Hur krypteras informationen, och vem har tillgång till nycklarna?</p></li>
            <li><p>Hur får ni ut er information om avtalet upphör?</p></li>
            <li><p>Hur rapporterar leverantören säkerhetsincidenter?</p></li>
            </ul>
            <h3>Samarbeta med juristerna</h3>
            <p>Frågorna rör både upphandlingsrätt, dataskydd och offentlighets- och
            sekretesslagen. Låt därför jurister, informationssäkerhetsspecialister och
            verksamheten arbeta tillsammans från början.</p>
        """),
        categories=("Digitalisering", "Upphandling"),
        days_ago=103,
        motif=Motif.GRID,
    ),
    DemoArticle(
        title="Fler små företag lämnar anbud när avtalen delas upp",
        lead=(
            "När stora upphandlingar delas upp i mindre delar ökar antalet anbud från små och "
            "medelstora företag. Det visar erfarenheterna från årets upphandlingar av "
            "konsulttjänster."
        ),
        body=_html("""
            <p>Små och medelstora företag står för en stor del av jobben i Sverige, men de
            lämnar färre anbud i offentliga upphandlingar än större företag. Ett vanligt skäl
            är att avtalen är för stora eller kraven för omfattande för en mindre
            leverantör.</p>
            <h2>Delområden efter geografi och kompetens</h2>
            <p>I årets upphandlingar av konsulttjänster delades avtalen upp både geografiskt och
            efter kompetensområde. Resultatet blev betydligt fler anbud än tidigare, och en
            större andel av leverantörerna är mindre företag med lokal förankring.</p>
            <h2>Proportionerliga krav</h2>
            <p>Uppdelningen räcker inte ensam. Kraven på omsättning, referenser och försäkringar
            behöver också stå i proportion till uppdraget, så att de inte i onödan stänger ute
            nya eller mindre aktörer.</p>
            <h3>Leverantörsträffar på flera orter</h3>
            <p>Inför nästa avtalsperiod ordnar vi leverantörsträffar på flera orter, där
            företag kan ställa frågor om hur det går till att lämna anbud.</p>
        """),
        categories=("Upphandling",),
        days_ago=121,
        motif=Motif.BARS,
    ),
    DemoArticle(
        title="Vägledning om öppen källkod i offentlig sektor",
        lead=(
            "Fler offentliga organisationer vill dela och återanvända programvara. Vår nya "
            "vägledning beskriver hur öppen källkod kan hanteras i upphandlingar."
        ),
        body=_html("""
            <p>Offentliga organisationer utvecklar ofta liknande programvara var för sig. Genom
            att publicera koden som öppen källkod kan andra återanvända och vidareutveckla den,
            vilket sparar både tid och skattepengar.</p>
            <h2>Det här tar vägledningen upp</h2>
            <ul>
            <li><p>Hur ni ställer krav på öppna licenser i upphandlingen.</p></li>
            <li><p>Vem som äger koden som en leverantör tar fram.</p></li>
            <li><p>Hur ni bidrar till och förvaltar gemensamma projekt.</p></li>
            </ul>
            <p><em>Utkast – juristerna granskar texten innan den publiceras.</em></p>
        """),
        categories=("Digitalisering",),
        days_ago=0,
        is_draft=True,
    ),
    DemoArticle(
        title="Nytt ramavtal för datorer och surfplattor börjar gälla",
        lead=(
            "Från och med i dag kan kommuner och regioner avropa datorer, surfplattor och "
            "tillbehör från det nya ramavtalet. Avtalet har skärpta krav på hållbarhet och lång "
            "livslängd."
        ),
        body=_html("""
            <p>Det nya ramavtalet ersätter det tidigare avtalet för datorer och surfplattor och
            kan användas av alla anslutna organisationer. Det omfattar både köp och leasing
            samt tjänster för installation, reparation och återtag.</p>
            <h2>Längre livslängd</h2>
            <p>Leverantörerna ska erbjuda minst fem års garanti på datorer och kunna leverera
            reservdelar under hela den tiden. Utrustning som inte längre behövs tas tillbaka
            för att återanvändas eller återvinnas på ett ansvarsfullt sätt.</p>
            <h2>Så avropar ni</h2>
            <p>Beroende på beställningens storlek avropar ni genom förnyad konkurrensutsättning
            eller direkt enligt rangordning. Avtalsvägledningen finns på kundwebben.</p>
        """),
        categories=("Upphandling", "Hållbarhet"),
        days_ago=-5,
        motif=Motif.NETWORK,
    ),
)
