package notes

import "math"

// Note statuses, as Community Notes names them.
const (
	NeedsMoreRatings  = "NEEDS_MORE_RATINGS"
	RatedHelpful      = "CURRENTLY_RATED_HELPFUL"
	RatedNotHelpful   = "CURRENTLY_RATED_NOT_HELPFUL"
	MinRatings        = 5    // ratings before a note can leave NEEDS_MORE_RATINGS
	HelpfulIntercept  = 0.40 // crhThreshold
	MaxHelpfulFactor  = 0.5  // factorThreshold: a one-sided note is not helpful
	NotHelpfulBase    = -0.05
	NotHelpfulPerUnit = 0.8 // of |factor|
)

// CoreStatus applies the core thresholds to a note's fitted intercept and
// factor: helpful needs MinRatings, an intercept of at least 0.40 and a
// factor under 0.5 in size; not helpful is an intercept at or below
// −0.05 − 0.8·|factor|; anything else needs more ratings.
func CoreStatus(numRatings int, intercept, factor float64) string {
	switch {
	case numRatings < MinRatings:
		return NeedsMoreRatings
	case intercept >= HelpfulIntercept && math.Abs(factor) < MaxHelpfulFactor:
		return RatedHelpful
	case intercept <= NotHelpfulBase-NotHelpfulPerUnit*math.Abs(factor):
		return RatedNotHelpful
	}
	return NeedsMoreRatings
}
