"""The bundled listing, pinned paper by paper: the table below was typed from seeds/lab-papers.txt by hand.

Each row: (published, category, has_code, trending, title, authors, authors_truncated, affiliations).
Yearless dates (rows with a trending score, plus "Jan 29") are read with today = 2026-11-26.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.corpus.loader import bundled_seeds_dir
from bot.corpus.seed_listing import parse_seed_listing

ETH = ("eth-zurich",)
Row = tuple[str, str, bool, float | None, str, tuple[str, ...], bool, tuple[str, ...]]

EXPECTED: list[Row] = [
    ("2023-02-23", "LG", True, None, "Random Teachers are Good Teachers",
     ("Felix Sarnthein", "Gregor Bachmann", "Sotiris Anagnostidis"), True, ETH),
    ("2023-06-30", "ML", False, None,
     "The Shaped Transformer: Attention Models in the Infinite Depth-and-Width Limit",
     ("Lorenzo Noci", "Chuning Li", "Mufan Bill Li"), True, ("deepmind", "princeton")),
    ("2023-04-12", "CV", False, None,
     "CLIP-Guided Vision-Language Pre-training for Question Answering in 3D Scenes",
     ("Maria Parelli", "Alexandros Delitzas", "Nikolas Hars"), True, ETH),
    ("2023-03-16", "LG", False, None,
     "Achieving a Better Stability-Plasticity Trade-off via Auxiliary Networks in Continual Learning",
     ("Sanghwan Kim", "Lorenzo Noci", "Antonio Orvieto"), True, ETH),
    ("2023-06-23", "LG", False, None, "Scaling MLPs: A Tale of Inductive Bias",
     ("Gregor Bachmann", "Sotiris Anagnostidis", "Thomas Hofmann"), False, ETH),
    ("2023-10-09", "LG", True, None, "Transformer Fusion with Optimal Transport",
     ("Moritz Imfeld", "Jacopo Graldi", "Marco Giordano"), True, ETH),
    ("2022-03-14", "ML", False, None, "Phenomenology of Double Descent in Finite-Width Neural Networks",
     ("Sidak Pal Singh", "Aurelien Lucchi", "Thomas Hofmann"), True, ETH),
    ("2023-06-04", "CV", False, None,
     "Multi-CLIP: Contrastive Vision-Language Pre-training for Question Answering tasks in 3D Scenes",
     ("Alexandros Delitzas", "Maria Parelli", "Nikolas Hars"), True, ETH),
    ("2022-07-19", "CV", False, None,
     "OpenFilter: A Framework to Democratize Research Access to Social Media AR Filters",
     ("Piera Riccio", "Bill Psomas", "Francesco Galati"), True, ETH),
    ("2022-10-25", "LG", False, None, "The Curious Case of Benign Memorization",
     ("Sotiris Anagnostidis", "Gregor Bachmann", "Lorenzo Noci"), True, ETH),
    ("2022-05-27", "LG", False, None, "How Tempering Fixes Data Augmentation in Bayesian Neural Networks",
     ("Gregor Bachmann", "Lorenzo Noci", "Thomas Hofmann"), False, ETH),
    ("2022-10-21", "CL", False, None, "Decoding a Neural Retriever's Latent Space for Query Suggestion",
     ("Leonard Adolphs", "Michelle Chen Huebscher", "Christian Buck"), True, ETH),
    ("2022-03-07", "LG", False, None, "Generalization Through The Lens Of Leave-One-Out Error",
     ("Gregor Bachmann", "Thomas Hofmann", "Aurélien Lucchi"), False, ETH),
    ("2022-11-22", "CO", False, None, "Cosmology from Galaxy Redshift Surveys with PointNet",
     ("Sotiris Anagnostidis", "Arne Thomsen", "Tomasz Kacprzak"), True, ETH),
    ("2022-10-03", "CV", False, None, "Mastering Spatial Graph Prediction of Road Networks",
     ("Sotiris Anagnostidis", "Aurelien Lucchi", "Thomas Hofmann"), False, ETH),
    ("2026-03-16", "CL", True, 99.8, "When Does Sparsity Mitigate the Curse of Depth in LLMs",
     ("Dilxat Muhtar", "Xinyuan Song", "Sebastian Pokutta"), True, ()),
    ("2023-09-20", "LG", False, None,
     "The Languini Kitchen: Enabling Language Modelling Research at Different Scales of Compute",
     ("Aleksandar Stanić", "Dylan Ashley", "Oleg Serikov"), True, ()),
    ("2024-07-23", "LG", False, None, "Local vs Global continual learning",
     ("Giulia Lanzillotta", "Sidak Pal Singh", "Benjamin F. Grewe"), True, ETH),
    ("2023-10-02", "LG", False, None, "Towards guarantees for parameter isolation in continual learning",
     ("Giulia Lanzillotta", "Sidak Pal Singh", "Benjamin F. Grewe"), True, ETH),
    ("2025-11-02", "AI", False, None, "On the Emergence of Induction Heads for In-Context Learning",
     ("Tiberiu Musat", "Tiago Pimentel", "Lorenzo Noci"), True, ()),
    ("2026-01-29", "LG", True, None, "Fast and Geometrically Grounded Lorentz Neural Networks",
     ("Robert van der Klis", "Ricardo Chávez Torres", "Max van Spengler"), True, ()),
    ("2023-11-03", "LG", False, None, "Simplifying Transformer Blocks",
     ("Bobby He", "Thomas Hofmann"), False, ()),
    ("2023-11-10", "CV", False, None,
     "Harnessing Synthetic Datasets: The Role of Shape Bias in Deep Neural Network Generalization",
     ("Elior Benarous", "Sotiris Anagnostidis", "Luca Biggio"), True, ()),
    ("2023-11-06", "LG", False, None,
     "Navigating Scaling Laws: Compute Optimality in Adaptive Model Training",
     ("Sotiris Anagnostidis", "Gregor Bachmann", "Imanol Schlag"), True, ()),
    ("2026-05-21", "LG", False, 69.2,
     "SeqLoRA: Bilevel Orthogonal Adaptation for Continual Multi-Concept Generation",
     ("Javad Parsa", "Enis Simsar", "Amir Joudaki"), True, ()),
    ("2025-03-06", "CL", True, None, "Generalized Interpolating Discrete Diffusion",
     ("Dimitri von Rütte", "Janis Fluri", "Yuhui Ding"), True, ()),
    ("2026-05-19", "CV", False, 78.6,
     "FullFlow: Upgrading Text-to-Image Flow Matching Models for Bidirectional Vision--Language Generation",
     ("Eric Tillmann Bill", "Enis Simsar", "Alessio Tonioni"), True, ()),
    ("2024-01-29", "LG", True, None,
     "Probabilistic Abduction for Visual Abstract Reasoning via Learning Rules in Vector-symbolic "
     "Architectures",
     ("Michael Hersche", "Francesco di Stefano", "Thomas Hofmann"), True, ()),
    ("2026-05-18", "LG", False, 81.7, "Flash PD-SSM: Memory-Optimized Structured Sparse State-Space Models",
     ("Aleksandar Terzić", "Francesco Carzaniga", "Nicolas Menet"), True, ()),
    ("2024-12-26", "LG", True, None,
     "On the Expressiveness and Length Generalization of Selective State-Space Models on Regular Languages",
     ("Aleksandar Terzić", "Michael Hersche", "Giacomo Camposampiero"), True, ()),
    ("2024-02-12", "CV", True, None, "Towards Meta-Pruning via Optimal Transport",
     ("Alexander Theus", "Olin Geimer", "Friedrich Wicke"), True, ETH),
    ("2026-03-10", "LG", False, 97.3,
     "Latent-DARM: Bridging Discrete Diffusion And Autoregressive Models For Reasoning",
     ("Lina Berrayana", "Ahmed Heakl", "Abdullah Sohail"), True, ()),
    ("2025-06-11", "LG", True, None,
     "Scalable Non-Equivariant 3D Molecule Generation via Rotational Alignment",
     ("Yuhui Ding", "Thomas Hofmann"), False, ()),
    ("2025-09-26", "AI", True, None,
     "Structured Sparse Transition Matrices to Enable State Tracking in State-Space Models",
     ("Aleksandar Terzić", "Nicolas Menet", "Michael Hersche"), True, ()),
    ("2025-06-18", "LG", True, None, "Model Fusion via Neuron Interpolation",
     ("Phoomraphee Luenam", "Andreas Spanopoulos", "Amit Sant"), True, ETH),
    ("2025-01-15", "CV", True, None,
     "SHYI: Action Support for Contrastive Learning in High-Fidelity Text-to-Image Generation",
     ("Tianxiang Xia", "Lin Xiao", "Yannick Montorfani"), True, ()),
    ("2021-03-29", "CV", True, None,
     "Learning Generative Models of Textured 3D Meshes from Real-World Images",
     ("Dario Pavllo", "Jonas Kohler", "Thomas Hofmann"), True, ()),
    ("2019-08-15", "COMP-PH", True, None,
     "Cosmological N-body simulations: a challenge for scalable generative models",
     ("Nathanaël Perraudin", "Ankit Srivastava", "Aurelien Lucchi"), True, ()),
    ("2024-09-10", "CV", False, None, "An Art-centric perspective on AI-based content moderation of nudity",
     ("Piera Riccio", "Georgina Curto", "Thomas Hofmann"), True, ()),
    ("2024-02-22", "CL", False, None, "A Language Model's Guide Through Latent Space",
     ("Dimitri von Rütte", "Sotiris Anagnostidis", "Gregor Bachmann"), True, ()),
    ("2024-02-27", "LG", False, None,
     "Super Consistency of Neural Network Landscapes and Learning Rate Transfer",
     ("Lorenzo Noci", "Alexandru Meterez", "Thomas Hofmann"), True, ("harvard",)),
    ("2023-12-14", "CV", False, None,
     "LIME: Localized Image Editing via Attention Regularization in Diffusion Models",
     ("Enis Simsar", "Alessio Tonioni", "Yongqin Xian"), True, ()),
    ("2024-12-12", "CV", False, None, "LoRACLR: Contrastive Adaptation for Customization of Diffusion Models",
     ("Enis Simsar", "Thomas Hofmann", "Federico Tombari"), True, ()),
    ("2023-12-15", "LG", False, None, "Disentangling Linear Mode-Connectivity",
     ("Gul Sena Altintas", "Gregor Bachmann", "Lorenzo Noci"), True, ()),
    ("2025-07-11", "LG", False, None,
     "The Non-Linear Representation Dilemma: Is Causal Abstraction Enough for Mechanistic "
     "Interpretability?",
     ("Denis Sutter", "Julian Minder", "Thomas Hofmann"), True, ()),
    ("2024-04-21", "CV", False, None,
     "Object-Attribute Binding in Text-to-Image Generation: Evaluation and Control",
     ("Maria Mihaela Trusca", "Wolf Nuyts", "Jonathan Thomm"), True, ()),
    ("2025-12-08", "LG", False, None,
     "Asymptotic analysis of shallow and deep forgetting in replay with Neural Collapse",
     ("Giulia Lanzillotta", "Damiano Meier", "Thomas Hofmann"), False, ()),
    ("2025-06-03", "CL", False, None, "Causal Estimation of Tokenisation Bias",
     ("Pietro Lesci", "Clara Meister", "Thomas Hofmann"), True, ()),
    ("2024-04-11", "CL", False, None,
     "The Role of Language Imbalance in Cross-lingual Generalisation: Insights from Cloned Language "
     "Experiments",
     ("Anton Schäfer", "Shauli Ravfogel", "Thomas Hofmann"), True, ()),
    ("2024-10-14", "CL", False, None, "Local and Global Decoding in Text Generation",
     ("Daniel Gareev", "Thomas Hofmann", "Ezhilmathi Krishnasamy"), True, ()),
]  # fmt: skip


@pytest.fixture(scope="module")
def bundled_listing() -> list[Row]:
    """The bundled listing parsed with a fixed 'today', as rows comparable to EXPECTED."""
    path = bundled_seeds_dir() / "lab-papers.txt"
    result = parse_seed_listing(path.read_text(encoding="utf-8"), str(path), date(2026, 11, 26))
    assert result.problems == ()
    assert all(len(p.categories) == 1 for p in result.papers)
    return [
        (
            p.published.isoformat() if p.published else "",
            p.categories[0],
            p.has_code,
            p.trending,
            p.title,
            p.authors,
            p.authors_truncated,
            p.affiliations,
        )
        for p in result.papers
    ]


def test_bundled_listing_has_fifty_papers(bundled_listing: list[Row]) -> None:
    assert len(bundled_listing) == 50


@pytest.mark.parametrize(("index", "expected"), list(enumerate(EXPECTED, start=1)))
def test_bundled_paper_is_split_exactly(bundled_listing: list[Row], index: int, expected: Row) -> None:
    assert bundled_listing[index - 1] == expected
