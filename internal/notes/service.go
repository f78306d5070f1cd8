package notes

import (
	"context"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agora-social/agora/internal/domain"
	"github.com/agora-social/agora/internal/statuses"
	"github.com/agora-social/agora/internal/store"
)

// Limits and rules of writing and rating notes (docs/community-notes.md).
const (
	MaxTextLen        = 500
	MaxTags           = 10
	LockAfter         = 14 * 24 * time.Hour // statuses freeze, as in Community Notes
	InertiaDelta      = 0.01                // a helpful note stays so until 0.39
	DefaultMinAgeDays = 30                  // account age before writing or rating
)

// Classifications of a note: the post is misleading, or it is not (a note
// answering other notes).
var Classifications = []string{"misinformed_or_potentially_misleading", "not_misleading"}

// Helpfulness levels of a rating and their value in the model.
var Helpfulness = map[string]float64{"helpful": 1, "somewhat_helpful": 0.5, "not_helpful": 0}

// Tags are the reasons a rater may give, as Community Notes' rating form.
var Tags = map[string]bool{
	// helpful
	"clear": true, "good_sources": true, "addresses_claim": true, "important_context": true, "unbiased_language": true,
	// not helpful
	"incorrect": true, "sources_missing_or_unreliable": true, "opinion_speculation_or_bias": true,
	"missing_key_points": true, "hard_to_understand": true, "argumentative_or_biased": true, "off_topic": true,
	"spam_harassment_or_abuse": true, "irrelevant_sources": true, "note_not_needed": true,
}

// Service applies the rules of Community Notes.
type Service struct {
	Store    *store.Store
	Statuses *statuses.Service
	Log      *slog.Logger
	// MinAccountAge is how old an account must be to write or rate (Sybil
	// resistance: a new account cannot tip a note).
	MinAccountAge time.Duration
	// MinRatingsPerRater and MinRatersPerNote filter the ratings the model
	// learns from (the reference's 10 and 5).
	MinRatingsPerRater int
	MinRatersPerNote   int
	Params             Params
}

// New returns the service with the reference's settings.
func New(st *store.Store, sts *statuses.Service, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{Store: st, Statuses: sts, Log: log, MinAccountAge: DefaultMinAgeDays * 24 * time.Hour,
		MinRatingsPerRater: 10, MinRatersPerNote: MinRatings, Params: DefaultParams()}
}

// eligible says whether an account may write and rate notes: a local,
// approved, confirmed account old enough and under no restriction.
func (s *Service) eligible(u *domain.User, a *domain.Account) error {
	switch {
	case u == nil || a == nil || !a.Local():
		return domain.Forbidden("Only members of this server can write and rate notes")
	case a.SuspendedAt != nil || a.SilencedAt != nil || u.Disabled || !u.Approved || u.ConfirmedAt == nil:
		return domain.Forbidden("Your account cannot write or rate notes")
	case s.Store.Now().Sub(a.CreatedAt) < s.MinAccountAge:
		return domain.Forbidden("Accounts can write and rate notes %d days after joining", int(s.MinAccountAge.Hours()/24))
	}
	return nil
}

// Write adds a note to a post the author can see: public or unlisted, not
// the author's own, one note per author and post.
func (s *Service) Write(ctx context.Context, u *domain.User, a *domain.Account, statusID domain.ID, classification, text, lang string) (*store.CommunityNote, error) {
	if err := s.eligible(u, a); err != nil {
		return nil, err
	}
	st, err := s.Statuses.Get(ctx, a.ID, statusID)
	if err != nil {
		return nil, err
	}
	if st.ReblogOfID != 0 {
		return nil, domain.Invalid("Write the note on the original post, not on a boost")
	}
	if st.Visibility != domain.Public && st.Visibility != domain.Unlisted {
		return nil, domain.Invalid("Notes can only be added to public posts")
	}
	if st.AccountID == a.ID {
		return nil, domain.Invalid("You cannot write a note on your own post")
	}
	if !slices.Contains(Classifications, classification) {
		return nil, domain.Invalid("classification must be %s", strings.Join(Classifications, " or "))
	}
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > MaxTextLen {
		return nil, domain.Invalid("text: between 1 and %d characters", MaxTextLen)
	}
	if lang != "" && !statuses.ValidLanguage(lang) {
		return nil, domain.Invalid("language: %q is not an ISO 639-1 code", lang)
	}
	n := &store.CommunityNote{StatusID: st.ID, AccountID: a.ID, Classification: classification, Text: text, Language: lang}
	return n, s.Store.CreateCommunityNote(ctx, n)
}

// Rate records a member's rating of a note on a post they can see; a
// rating can change until the note's status freezes (LockAfter).
func (s *Service) Rate(ctx context.Context, u *domain.User, a *domain.Account, noteID domain.ID, helpfulness string, tags []string) error {
	if err := s.eligible(u, a); err != nil {
		return err
	}
	n, err := s.note(ctx, a.ID, noteID)
	if err != nil {
		return err
	}
	if n.AccountID == a.ID {
		return domain.Invalid("You cannot rate your own note")
	}
	if n.LockedAt != nil {
		return domain.Invalid("This note's status is final: ratings are closed")
	}
	if _, ok := Helpfulness[helpfulness]; !ok {
		return domain.Invalid("helpfulness must be helpful, somewhat_helpful or not_helpful")
	}
	if len(tags) > MaxTags {
		return domain.Invalid("tags: at most %d", MaxTags)
	}
	for _, t := range tags {
		if !Tags[t] {
			return domain.Invalid("tags: %q is not a reason", t)
		}
	}
	return s.Store.RateCommunityNote(ctx, &store.NoteRating{NoteID: n.ID, AccountID: a.ID, Helpfulness: helpfulness, Tags: tags})
}

// note loads a note whose post viewer can see (others are not found).
func (s *Service) note(ctx context.Context, viewer, id domain.ID) (*store.CommunityNote, error) {
	n, err := s.Store.CommunityNote(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.Statuses.Get(ctx, viewer, n.StatusID); err != nil {
		return nil, err
	}
	return n, nil
}

// Get returns a note to a viewer: helpful notes to anyone who can see the
// post; the others only to members who may rate them, and to their author.
func (s *Service) Get(ctx context.Context, u *domain.User, a *domain.Account, id domain.ID) (*store.CommunityNote, error) {
	var viewer domain.ID
	if a != nil {
		viewer = a.ID
	}
	n, err := s.note(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	if n.Status != RatedHelpful && n.AccountID != viewer && s.eligible(u, a) != nil {
		return nil, domain.NotFound()
	}
	return n, nil
}

// OfStatus lists a post's notes for a viewer, by the same rule as Get.
func (s *Service) OfStatus(ctx context.Context, u *domain.User, a *domain.Account, statusID domain.ID) ([]*store.CommunityNote, error) {
	var viewer domain.ID
	if a != nil {
		viewer = a.ID
	}
	if _, err := s.Statuses.Get(ctx, viewer, statusID); err != nil {
		return nil, err
	}
	all, err := s.Store.CommunityNotesOf(ctx, statusID)
	if err != nil {
		return nil, err
	}
	rater := s.eligible(u, a) == nil
	out := []*store.CommunityNote{}
	for _, n := range all {
		if n.Status == RatedHelpful || rater || n.AccountID == viewer {
			out = append(out, n)
		}
	}
	return out, nil
}

// ToRate pages the notes a member can help decide.
func (s *Service) ToRate(ctx context.Context, u *domain.User, a *domain.Account, p domain.Page) ([]*store.CommunityNote, error) {
	if err := s.eligible(u, a); err != nil {
		return nil, err
	}
	return s.Store.CommunityNotesToRate(ctx, a.ID, p)
}

// Delete removes one's own note while its status is undecided.
func (s *Service) Delete(ctx context.Context, a *domain.Account, id domain.ID) error {
	n, err := s.Store.CommunityNote(ctx, id)
	if err != nil {
		return err
	}
	if n.AccountID != a.ID {
		return domain.NotFound()
	}
	if n.Status != NeedsMoreRatings {
		return domain.Invalid("A note whose status is decided stays, for the record")
	}
	return s.Store.DeleteCommunityNote(ctx, id, a.ID)
}

// TopReasons returns the two reasons raters gave most often in agreement
// with the note's status (helpful reasons for a helpful note), each given
// at least twice, as Community Notes shows them.
func TopReasons(n *store.CommunityNote, ratings []*store.NoteRating) []string {
	wantHelpful := n.Status == RatedHelpful
	count := map[string]int{}
	for _, r := range ratings {
		if r.NoteID != n.ID || (Helpfulness[r.Helpfulness] > 0) != wantHelpful {
			continue
		}
		for _, t := range r.Tags {
			count[t]++
		}
	}
	var tags []string
	for t, c := range count {
		if c >= 2 {
			tags = append(tags, t)
		}
	}
	sort.Slice(tags, func(i, j int) bool {
		if count[tags[i]] != count[tags[j]] {
			return count[tags[i]] > count[tags[j]]
		}
		return tags[i] < tags[j]
	})
	if len(tags) > 2 {
		tags = tags[:2]
	}
	return tags
}

// Score runs the model over the ratings and updates every unlocked note:
// ratings of raters with fewer than MinRatingsPerRater ratings, and notes
// with fewer than MinRatersPerNote raters, are left out; a note's status
// follows CoreStatus, a helpful note keeps its status until its intercept
// falls InertiaDelta under the threshold, and a status freezes LockAfter
// the note's creation. It returns the number of notes scored.
func (s *Service) Score(ctx context.Context) (int, error) {
	all, err := s.Store.AllNoteRatings(ctx)
	if err != nil {
		return 0, err
	}
	perRater, perNote := map[domain.ID]int{}, map[domain.ID]int{}
	for _, r := range all {
		perRater[r.AccountID]++
	}
	var kept []*store.NoteRating
	for _, r := range all {
		if perRater[r.AccountID] >= s.MinRatingsPerRater {
			kept = append(kept, r)
			perNote[r.NoteID]++
		}
	}
	var ratings []Rating
	for _, r := range kept {
		if perNote[r.NoteID] >= s.MinRatersPerNote {
			ratings = append(ratings, Rating{Note: r.NoteID.String(), Rater: r.AccountID.String(), Helpful: Helpfulness[r.Helpfulness]})
		}
	}
	m := Fit(ratings, s.Params)
	notes, err := s.Store.UnlockedCommunityNotes(ctx)
	if err != nil {
		return 0, err
	}
	now := s.Store.Now()
	scores := make([]store.NoteScore, 0, len(notes))
	for _, n := range notes {
		sc := store.NoteScore{NoteID: n.ID, Status: NeedsMoreRatings, Lock: now.Sub(n.CreatedAt) >= LockAfter}
		if i, ok := m.NoteIntercept[n.ID.String()]; ok {
			f := m.NoteFactor[n.ID.String()]
			sc.Intercept, sc.Factor = &i, &f
			sc.Status = CoreStatus(m.NumRatings[n.ID.String()], i, f)
			if n.Status == RatedHelpful && sc.Status == NeedsMoreRatings && i >= HelpfulIntercept-InertiaDelta {
				sc.Status = RatedHelpful
			}
		}
		scores = append(scores, sc)
	}
	if err := s.Store.SaveNoteScores(ctx, scores); err != nil {
		return 0, err
	}
	s.Log.Debug("community notes scored", "notes", len(scores), "ratings", len(ratings), "epochs", m.Epochs, "loss", m.Loss)
	return len(scores), nil
}
