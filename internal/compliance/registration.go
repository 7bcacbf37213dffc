package compliance

import "strings"

// ValidRegistration reports whether number has the shape of a medical
// registration number in country (ISO 3166-1 alpha-2, case-insensitive).
// "SG" expects a Singapore Medical Council registration (MCR) number such as
// M12345A: "M", five digits, one capital letter. Any other country uses the
// general format: 3 to 32 characters of letters, digits, "-" and "/".
// Surrounding spaces are ignored; the shape is checked, not the registry.
func ValidRegistration(country, number string) bool {
	number = strings.TrimSpace(number)
	switch strings.ToUpper(strings.TrimSpace(country)) {
	case "SG":
		if len(number) != 7 || number[0] != 'M' {
			return false
		}
		for i := 1; i <= 5; i++ {
			if number[i] < '0' || number[i] > '9' {
				return false
			}
		}
		return number[6] >= 'A' && number[6] <= 'Z'
	default:
		if len(number) < 3 || len(number) > 32 {
			return false
		}
		for i := 0; i < len(number); i++ {
			c := number[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '/') {
				return false
			}
		}
		return true
	}
}
