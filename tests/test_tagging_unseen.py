"""Unseen spellings: names written the way lifters, coaches and other apps write them.

None of these names was used to tune the catalog or the rules (they were written for this test,
from how people abbreviate, misspell, decorate and translate lift names), so the accuracy here
is an estimate of how the tagger does on a log it has never seen. Each name carries the class a
coach would give it under the definitions in docs/model.md ("Exercise classes and coefficients");
a few genuinely ambiguous names accept two classes (see AMBIGUOUS). The classes follow the
catalog corrections of issue 14: machine (hack, pendulum, V) squats, hip thrusts, Z presses and
the rowing / ski ergs are indirect, the glute-ham raise is direct.
"""

from __future__ import annotations

import pytest

from analyzer.tagging import Tagger, load_tagger

D, I, N = "direct", "indirect", "none"  # noqa: E741 (short class marks keep the table readable)
BENCH: list[tuple[str, str]] = [
    # ---- deadlift family, hinge (direct)
    ("BB RDL", D), ("DB RDL", D), ("RDLs", D), ("R.D.L.", D), ("Romanian DL", D),
    ("romanian deadlift w/ dumbbells", D), ("Rumanian Deadlift", D), ("Romanian Dead Lift", D),
    ("Stiff Legged Deadlifts", D), ("SLDL", D), ("Stiff-Leg DL (DB)", D),
    ("Straight Leg Deadlift", D),
    ("Sumo DL", D), ("Sumo Deadlift - Barbell", D), ("Conventional DL", D), ("Deadlift 2", D),
    ("Deadlift (Heavy)", D), ("Deadlift - Top set", D), ("Deadlift [Week 3]", D),
    ("Deadlifts 5x5", D),
    ("Deadlift 💀", D), ("Dead lift", D), ("Deadlift (Trap Bar)", D), ("Trap bar DL", D),
    ("Hex Bar Deadlift", D), ("Snatch Grip DL", D), ("Snatch-grip deadlift", D),
    ('Deficit Deadlift 2"', D), ("Deadlift off blocks", D), ("Block Pull", D), ("Rack Pulls", D),
    ("Rack pull below knee", D), ("Pause DL", D), ("Paused deadlift at knee", D),
    ("Tempo deadlift", D),
    ("Single-leg RDL", D), ("SL RDL", D), ("1-leg RDL (KB)", D), ("B-stance RDL", D),
    ("Staggered stance RDL", D), ("Landmine RDL", D), ("Cable RDL", D), ("Smith machine RDL", D),
    ("Banded Deadlift", D), ("KB deadlift", D), ("Dumbbell deadlift", D), ("Suitcase deadlift", D),
    ("Jefferson curl", D), ("Jefferson Curls (light)", D), ("Good mornings", D),
    ("Seated good morning", D), ("SSB Good Morning", D), ("Safety Bar Good Morning", D),
    ("Banded good morning", D), ("Deads", D), ("DL", D), ("Deadlift w/ belt", D),
    ("Beltless Deadlift", D), ("Deadlift (conventional, touch and go)", D),
    ("Deadlift - Backoff sets", D),
    ("1) Deadlift", D), ("B2: DB RDL", D), ("Deadlift (PR!)", D), ("Deadlfit", D), ("Dedlift", D),
    ("Romainian deadlift", D), ("Deadlift Machine", D), ("Deadlift @ RPE 8", D),
    ("Deadlift 3x5 @ 140kg", D), ("Stiff legged deadlift (dumbbell)", D), ("Kettlebell RDL", D),
    ("Dimel deadlift", D), ("Snatch grip RDL", D), ("Deficit RDL", D),
    ("RDL (Barbell) - paused", D),
    # ---- back extensions, swings, olympic
    ("Back Extension", D), ("45° Back Extension", D), ("45 degree hyperextension", D),
    ("Hyperextensions", D), ("Hyper extension (weighted)", D), ("Roman Chair Back Extension", D),
    ("GHD back extension", D), ("Reverse Hyper", D), ("Reverse Hyperextension Machine", D),
    ("Back raises", D), ("Kettlebell Swings", D), ("KB Swing", D), ("Russian KB swing", D),
    ("Two-hand kettlebell swing", D), ("American Swing", D), ("Power clean", D),
    ("Hang Power Clean", D),
    ("Clean Pull", D), ("Snatch", D), ("Hang Snatch", D), ("Clean & Jerk", D),
    ("Muscle snatch", D),
    ("Kettlebell swing (1-arm)", D), ("Back extension 45 deg", D), ("Hyperextension bench", D),
    # ---- rows
    ("Bent-over row", D), ("BB Row", D), ("Barbell Row", D), ("BOR", D), ("Pendlay Row", D),
    ("Pendlay rows", D), ("Yates Row", D), ("T-Bar Row", D), ("Tbar row", D), ("Landmine Row", D),
    ("Bent Over DB Row", D), ("Bent Over Dumbbell Row", D), ("Gorilla Row", D),
    ("Bent over rows", D),
    ("Pendaly row", D), ("Barbell rows (overhand)", D), ("Underhand BB row", D), ("Row", D),
    ("Two arm dumbbell row", D), ("Meadows row", D),
    ("Helms row", N), ("Seal Row", N), ("Seal rows (DB)", N), ("Chest Supported T-Bar Row", N),
    ("Cable Row", N),
    ("Seated Cable Row", N), ("Low Row", N), ("Machine Row", N), ("Hammer Strength Row", N),
    ("Iso-lateral row", N), ("Seated Row (V-grip)", N), ("Incline DB row", N),
    ("Chest-supported DB row", N),
    ("Inverted Row", N), ("TRX row", N), ("Ring rows", N), ("Seated rows", N),
    ("One Arm Dumbbell Row", I), ("1 arm DB row", I), ("Single Arm DB Row", I), ("DB Row", I),
    ("Kroc Row", I),
    # ---- pulls
    ("Pullups", N), ("Pull-ups (weighted)", N), ("Chin-ups", N), ("Chins", N),
    ("Lat pull-down", N),
    ("Lat Pulldown (wide)", N), ("Neutral grip pulldown", N), ("Straight arm pulldown", N),
    ("Assisted pull up machine", N), ("Lat pull down", N), ("Face pulls", N), ("Upright row", N),
    # ---- squats
    ("Back Squat", I), ("BB Back Squat", I), ("Low bar squat", I), ("High bar squat", I),
    ("Squats", I),
    ("Squat 2", I), ("Squat (Heavy)", I), ("Squat - top single", I), ("Competition Squat", I),
    ("Comp squat", I), ("Pin Squat", I), ("Pin squats", I), ("Anderson squat", I),
    ("Box squat", I),
    ("Pause Squat", I), ("Paused Squats 3ct", I), ("Tempo Squat 3-1-0", I), ("1.5 rep squat", I),
    ("Hatfield squat", I), ("SSB squat", I), ("Safety Squat Bar Squat", I),
    ("Safety bar squats", I),
    ("Front squat", I), ("Front Squats (clean grip)", I), ("Zercher squat", I), ("Zercher", I),
    ("Goblet squat", I), ("KB goblet squat", I), ("DB Squat", I), ("Sumo squat", I),
    ("Overhead squat", I),
    ("Cyclist squat", I), ("Heel elevated goblet squat", I), ("Smith Squat", I),
    ("Smith machine squat", I),
    ("Barbell Hack Squat", I), ("Squat 🏋️", I), ("A1. Back Squat", I), ("Squat (Week 3)", I),
    ("Squat @ RPE 8", I), ("Squatt", I), ("Fronts squat", I), ("Squat (knee sleeves)", I),
    ("Squat", I), ("Bulgarian split squats", I), ("BSS", I), ("RFESS", I),
    ("Rear foot elevated split squat", I), ("Split squats (DB)", I), ("Bulgarian splt squat", I),
    ("Front foot elevated split squat", I), ("DB Lunges", I), ("Walking Lunges", I),
    ("Reverse lunge (BB)", I), ("Lunges", I), ("Deficit reverse lunge", I), ("Step-ups", I),
    ("DB Step Ups", I), ("Box step up", I), ("Barbell walking lunge", I),
    ("Hack squat", I), ("Hack Squat Machine", I), ("Belt squat", N), ("Pendulum squat", I),
    ("V-squat machine", I), ("Leg press", N), ("45 degree leg press", N),
    ("Leg Press (single leg)", N),
    ("Horizontal leg press", N), ("Leg pres", N), ("Bodyweight squat", N), ("Air squats", N),
    ("Jump squats", N), ("Pistol squat", N), ("Sissy squat", N), ("Lateral lunge", N),
    ("Curtsy lunge", N),
    # ---- presses
    ("OHP", I), ("Overhead Press", I), ("Standing OHP", I), ("Military press", I),
    ("Strict press", I),
    ("Press (standing)", I), ("Push press", I), ("Push Jerk", I), ("Split jerk", I),
    ("Landmine press", I),
    ("Overhaed press", I), ("Standing DB shoulder press", I), ("Barbell overhead press", I),
    ("Seated OHP", N), ("Seated DB shoulder press", N), ("DB Shoulder Press", N),
    ("Machine shoulder press", N), ("Z press", I), ("Shoulder pess", N),
    ("Bench Press", N), ("BP", N), ("Bench", N), ("Flat bench", N), ("Incline DB press", N),
    ("Close-grip bench", N), ("CGBP", N), ("Larsen press", N), ("Spoto press", N),
    ("Board press", N),
    ("Floor press", N), ("Dips", N), ("Push-ups", N), ("Decline bench", N),
    ("Chest press machine", N),
    ("Pec deck", N), ("Cable flyes", N), ("DB flys", N), ("Benchpress", N), ("💪 Bench Press", N),
    ("Bench - AMRAP", N), ("Bench (paused)", N), ("Incline Smith press", N), ("JM press", N),
    # ---- shoulders, arms
    ("Lateral raises", N), ("Side lateral raise", N), ("Cable lateral raise", N),
    ("Rear delt fly", N),
    ("Reverse pec deck", N), ("Barbell curl", N), ("EZ curl", N), ("Hammer curls", N),
    ("Preacher curl", N),
    ("Tricep pushdown", N), ("Rope pushdown", N), ("Skull crushers", N),
    ("Overhead tricep extension", N),
    ("French press", N), ("Tate press", N),
    ("Shrugs", I), ("DB Shrugs", I),
    # ---- legs isolation, glutes
    ("Leg extension", N), ("Leg curl", N), ("Lying leg curl", N), ("Seated Leg Curl", N),
    ("Nordic curls", N), ("GHR", D), ("Hip thrust", I), ("Barbell hip thrust", I),
    ("Glute bridge", N),
    ("B-stance hip thrust", I), ("Single-leg hip thrust", N), ("Hip abduction machine", N),
    ("Adductor machine", N), ("Seated calf raise", N), ("Hip thurst", I), ("Calf raises", N),
    ("Standing calf raise machine", I),
    # ---- carries, sleds
    ("Farmers carry", I), ("Farmer walk", I), ("Suitcase carry", I), ("Yoke walk", I),
    ("Sandbag carry", I), ("Zercher carry", I), ("Sled push", I), ("Prowler push", I),
    ("Sled drag", I),
    # ---- core
    ("Plank", N), ("Side plank", N), ("Dead bugs", N), ("Bird dogs", N), ("Ab wheel", N),
    ("Hanging leg raises", N), ("Cable crunch", N), ("Pallof press", N), ("Russian twists", N),
    ("Sit-ups", N), ("Decline sit up", N), ("Hollow hold", N), ("L-sit", N),
    # ---- cardio, mobility
    ("Treadmill", N), ("Incline walk", N), ("Stationary bike", N), ("Assault bike", N),
    ("Rowing machine", I), ("Concept2 Row", I), ("Rower (C2)", I), ("Row erg", I), ("Ski erg", I),
    ("Stairmaster", N), ("Elliptical", N), ("Jump rope", N), ("Foam rolling", N),
    ("Hamstring stretch", N), ("Hip flexor stretch", N), ("Couch stretch", N), ("Pigeon pose", N),
    ("Cat-cow", N), ("Warm-up", N), ("Mobility work", N),
    # ---- Spanish
    ("Sentadilla", I), ("Sentadilla frontal", I), ("Sentadilla búlgara", I),
    ("Peso muerto rumano", D),
    ("Peso muerto sumo", D), ("Remo con barra", D), ("Remo con mancuerna", I),
    ("Press militar", I),
    ("Press de banca", N), ("Press inclinado con mancuernas", N), ("Dominadas", N),
    ("Jalón al pecho", N), ("Prensa de piernas", N), ("Zancadas", I), ("Hip thrust con barra", I),
    ("Curl de bíceps", N), ("Extensión de cuádriceps", N), ("Curl femoral", N),
    ("Elevaciones laterales", N), ("Fondos", N), ("Hiperextensiones", D), ("Plancha", N),
    ("Remo sentado en polea", N), ("Buenos días", D),
    # ---- Portuguese
    ("Agachamento livre", I), ("Agachamento búlgaro", I), ("Agachamento frontal", I),
    ("Levantamento terra romeno", D), ("Stiff com halteres", D), ("Remada curvada", D),
    ("Remada baixa", N), ("Remada cavalinho", D), ("Supino reto", N),
    ("Supino inclinado com halteres", N),
    ("Puxada frontal", N), ("Leg press 45", N), ("Cadeira extensora", N), ("Mesa flexora", N),
    ("Elevação pélvica", I), ("Barra fixa", N), ("Rosca direta", N), ("Afundo", I), ("Passada", I),
    ("Levantamento terra", D), ("Bom dia", D), ("Desenvolvimento militar", I),
    # ---- French
    ("Soulevé de terre roumain", D), ("Soulevé de terre jambes tendues", D),
    ("Développé couché", N),
    ("Développé militaire", I), ("Développé incliné haltères", N), ("Rowing barre", D),
    ("Tirage vertical", N), ("Tirage horizontal", N), ("Fentes", I), ("Presse à cuisses", N),
    ("Tractions", N), ("Extensions lombaires", D), ("Gainage", N), ("Squat bulgare", I),
    ("Soulevé de terre", D), ("Squat barre", I),
    # ---- Italian
    ("Stacco da terra", D), ("Stacco rumeno", D), ("Stacco a gambe tese", D), ("Squat bulgaro", I),
    ("Panca piana", N), ("Panca inclinata manubri", N), ("Rematore con bilanciere", D),
    ("Rematore con manubrio", I), ("Lento avanti", I), ("Trazioni", N), ("Lat machine", N),
    ("Pressa", N), ("Affondi", I), ("Curl con bilanciere", N),
    # ---- German
    ("Rumänisches Kreuzheben", D), ("Kniebeugen", I), ("Frontkniebeugen", I),
    ("Langhantelrudern", D),
    ("Kurzhantelrudern einarmig", I), ("Rudern am Kabel", N), ("Beinpresse", N),
    ("Schulterdrücken", N),
    ("Bankdrücken", N), ("Schrägbankdrücken Kurzhantel", N), ("Klimmzüge", N), ("Latziehen", N),
    ("Ausfallschritte", I), ("Bulgarische Kniebeuge", I), ("Hüftstoß", I), ("Rückenstrecker", D),
    ("Beinstrecker", N), ("Beinbeuger liegend", N), ("Wadenheben sitzend", N), ("Seitheben", N),
    ("Rudern vorgebeugt", D), ("Kabelrudern", N), ("T-Bar Rudern", D),
    ("Kreuzheben mit gestreckten Beinen", D),
    ("Kettlebell Schwingen", D), ("Bizepscurls", N), ("Trizepsdrücken", N), ("Butterfly", N),
    ("Sumo Kreuzheben", D), ("Kreuzheben", D), ("Rudern sitzend", N), ("Nackendrücken", I),
    # ---- Japanese
    ("ルーマニアンデッドリフト", D), ("デッドリフト", D), ("ベンチプレス", N), ("スクワット", I),
    ("フロントスクワット", I), ("ブルガリアンスクワット", I), ("ベントオーバーロウ", D),
    ("ワンハンドダンベルロウ", I), ("ラットプルダウン", N), ("懸垂", N), ("レッグプレス", N),
    ("ショルダープレス", N), ("ダンベルカール", N), ("ヒップスラスト", I), ("レッグカール", N),
    ("レッグエクステンション", N), ("グッドモーニング", D), ("バックエクステンション", D),
    ("ケトルベルスイング", D), ("シーテッドロウ", N), ("チンニング", N), ("腕立て伏せ", N),
    ("プランク", N), ("ランジ", I), ("スミスマシンスクワット", I), ("バーベルロウ", D),
    # ---- Chinese
    ("罗马尼亚硬拉", D), ("哑铃划船", I), ("坐姿推举", N), ("杠铃划船", D), ("俯身杠铃划船", D),
    ("坐姿划船", N), ("深蹲", I), ("杠铃深蹲", I), ("前蹲", I), ("保加利亚分腿蹲", I), ("腿举", N),
    ("卧推", N), ("上斜哑铃卧推", N), ("引体向上", N), ("高位下拉", N), ("山羊挺身", D),
    ("早安式体前屈", D), ("壶铃摆荡", D), ("臀推", I), ("箭步蹲", I), ("农夫行走", I),
    ("哑铃弯举", N), ("绳索下压", N), ("平板支撑", N), ("站姿杠铃推举", I), ("T杠划船", D),
    ("坐姿腿弯举", N), ("史密斯深蹲", I), ("哈克深蹲", I), ("硬拉", D), ("相扑硬拉", D),
    ("直腿硬拉", D), ("单腿硬拉", D), ("胸部支撑划船", N), ("反向挺身", D),
    # ---- second batch, written after the rules were fixed and measured before any change
    ("Conv. Deadlift", D), ("Trapbar Deadlifts", D), ("RDL - DB", D),
    ("Dumbbell Romanian Deadlifts", D),
    ("Single Leg Deadlift (KB)", D), ("Good Morning - SSB", D), ("Hyperextension (bodyweight)", D),
    ("45 Hyper", D), ("Back Ext.", D), ("Glute-ham raise", D), ("Pendlay (BB)", D),
    ("Bent Row", D),
    ("Barbell Bent Row", D), ("Row - Barbell", D), ("DB Bent-Over Rows", D),
    ("Chest-Supported Row Machine", N), ("Seated Cable Rows (close grip)", N),
    ("Lat Pulldowns", N),
    ("Wide-Grip Pull-Up", N), ("Squat (Low Bar)", I), ("Squat - SSB", I), ("Front Squat (BB)", I),
    ("Goblet Squats (DB)", I), ("Leg Press 45°", N), ("Hack Squats", I),
    ("Split Squat - Bulgarian", I),
    ("Walking lunges w/ DBs", I), ("Step Up (BB)", I), ("Overhead Press - Standing", I),
    ("Military Press (BB)", I), ("Seated Dumbbell Press", N), ("Arnold press", N),
    ("Incline Bench (DB)", N), ("Flat DB Bench", N), ("Weighted Dips", N), ("EZ-Bar Curl", N),
    ("Cable Tricep Pushdown", N), ("Lateral Raise - Cable", N), ("Leg Ext", N),
    ("Seated Ham Curl", N),
    ("Hip Thrusts (BB)", I), ("Farmers Walks (DB)", I), ("Sled Pushes", I), ("Ab Rollouts", N),
    ("Hanging Knee Raise", N), ("KB Swings (2H)", D), ("Power Cleans", D), ("Hang Clean", D),
    ("Snatch Grip Deadlift", D), ("Deficit Deads", D), ("Rack Pull (Above Knee)", D),
    ("Bench Press (Competition)", N), ("Squat (Competition)", I), ("Deadlift (Competition)", D),
    ("Sumo Deads", D), ("Stiff Leg DL", D), ("Dumbbell Pullover", N), ("Face Pull w/ rope", N),
    ("Landmine Press (1-arm)", I), ("Cable Pull-Through", D), ("Reverse Hypers", D),
    ("Seated Good Mornings", D), ("Zercher Squats", I), ("Belt Squats", N), ("Pendulum Squats", I),
    ("Kettlebell Goblet Squat", I), ("Sentadillas con barra", I),
    ("Peso muerto con mancuernas", D),
    ("Remo con mancuernas a una mano", I), ("Press de hombros sentado", N),
    ("Kreuzheben rumänisch", D), ("Schrägbankdrücken", N), ("Beinpresse 45°", N),
    ("Dumbbell Rudern", I), ("ダンベルベンチプレス", N), ("バーベルスクワット", I),
    ("ハイバースクワット", I),
    ("杠铃罗马尼亚硬拉", D), ("哑铃深蹲", I), ("器械推胸", N), ("Agachamento smith", I),
    ("Remada unilateral", I), ("Supino com halteres", N), ("Terra sumô", D),
    ("Rowing haltère un bras", I), ("Squat avant", I), ("Stacco sumo", D),
    ("Rematore manubrio", I),
    ("Squat con bilanciere", I), ("Good mornin", D), ("Bulgarain split squat", I),
    ("Dumbel row", I),
    ("Romanain deadlift", D), ("Lat pulldwon", N), ("Overhead pres", I), ("Backsquat", I),
    ("Frontsquat", I), ("Deadlift (Block)", D),
]

# Names whose class depends on how the lift is set up; either class is a defensible tag.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "Calf raises": (I, N),  # standing machine (the catalog default) or bodyweight
    "Desenvolvimento militar": (I, N),  # Brazilian gyms do it standing or on a bench
    "Meadows row": (D, I),  # landmine row, free hand often braced on the knee
    "Kroc Row": (I, D),  # heavy one-arm row, hand braced but with body english
}

# Known misses, kept visible: a typo that drops a letter before the plural "s" ("pres") is
# singularised to a three-letter stem that is too short to correct safely.
KNOWN_MISSES = {"Leg pres"}


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return load_tagger()


def test_bench_is_large_and_distinct() -> None:
    names = [name for name, _ in BENCH]
    assert len(names) >= 300
    assert len(set(names)) == len(names)
    assert set(AMBIGUOUS) | KNOWN_MISSES <= set(names)


@pytest.mark.parametrize(
    ("name", "expected"),
    [pytest.param(n, c, marks=pytest.mark.xfail(strict=True, reason="known miss"))
     if n in KNOWN_MISSES else (n, c) for n, c in BENCH],
)
def test_unseen_name_gets_its_class(tagger: Tagger, name: str, expected: str) -> None:
    tag = tagger.tag(name)
    assert tag.load_class in AMBIGUOUS.get(name, (expected,)), (name, tag)


def test_no_direct_none_confusion_and_few_unknowns(tagger: Tagger) -> None:
    """The costly errors: a hinge read as unloaded hides overuse, the reverse cries wolf."""
    got = {name: tagger.tag(name).load_class for name, _ in BENCH}
    swapped = [n for n, c in BENCH if {c, got[n]} == {D, N} and n not in AMBIGUOUS]
    unknown = [n for n, _ in BENCH if got[n] == "unknown"]
    assert swapped == []
    assert len(unknown) <= len(BENCH) // 100, unknown
