// ledger/calendar.hpp — effective dates (业务日期), fiscal years and recorded instants.
//
// An effective date is a valid Gregorian date between 1900-01-01 and 9999-12-31; the fiscal year is its
// calendar year. A recorded instant is UTC, stored with microseconds in a fixed-width text form
// ("2021-01-10T03:04:05.123456Z") so that text order is time order.
#pragma once

#include <date/date.h>

#include <chrono>
#include <string>
#include <string_view>

namespace ledger {

using Date = date::year_month_day;
using Instant = std::chrono::sys_time<std::chrono::microseconds>;

// The date of "2020-02-29", "2020-2-29", "2020/2/29", "2020.2.29" or "2020年2月29日" (also with full-width
// digits, and blanks around); anything else (2020-02-30, 2020年2月30日, 20200229, 2020-2/29) throws
// Error{invalid_input} naming the text.
Date parse_date(std::string_view text);
std::string to_string(Date day);  // "YYYY-MM-DD"; the date must be ok()
int year_of(Date day);
Date first_day_of(int year);
Date last_day_of(int year);
// Adds whole months, clamping to the month's last day: 2020-02-29 + 12 → 2021-02-28,
// 2021-01-31 + 1 → 2021-02-28.
Date add_months(Date day, int months);
// Today's date on this machine's local calendar (an accountant's "today").
Date today_local();

// The fixed-width UTC text of an instant, and its parser. parse_instant accepts
// "YYYY-MM-DDTHH:MM:SS[.ffffff]Z", "…+08:00" offsets and a bare date (its midnight UTC).
std::string to_string(Instant instant);
Instant parse_instant(std::string_view text);
Instant now_utc();

}  // namespace ledger
