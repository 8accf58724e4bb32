//! Which slice of a long list one page shows, and where its previous and
//! next pages are. Pages are numbered from 1; a page past the end shows the
//! last one (a link kept from when the list was longer still works).

use std::ops::Range;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pager {
    /// The page shown, from 1.
    pub page: usize,
    /// How many pages there are (1 for an empty list).
    pub pages: usize,
    /// Position from 1 of the first item shown (0 when the list is empty).
    pub first: usize,
    /// Position from 1 of the last item shown (0 when the list is empty).
    pub last: usize,
    /// Items in the whole list.
    pub total: usize,
    pub previous: Option<usize>,
    pub next: Option<usize>,
}

impl Pager {
    /// The pager for page `requested` (1 when absent or 0) of `total` items,
    /// `per_page` to a page (at least 1).
    pub fn new(total: usize, per_page: usize, requested: Option<usize>) -> Self {
        let per_page = per_page.max(1);
        let pages = total.div_ceil(per_page).max(1);
        let page = requested.unwrap_or(1).clamp(1, pages);
        let start = (page - 1) * per_page;
        let end = (start + per_page).min(total);
        Self {
            page,
            pages,
            first: if total == 0 { 0 } else { start + 1 },
            last: end,
            total,
            previous: (page > 1).then(|| page - 1),
            next: (page < pages).then(|| page + 1),
        }
    }

    /// The indexes (from 0) of the items this page shows.
    pub fn range(&self) -> Range<usize> {
        self.first.saturating_sub(1)..self.last
    }
}

#[cfg(test)]
mod tests {
    use super::Pager;

    #[test]
    fn pages_split_the_list_and_link_to_their_neighbours() {
        let first = Pager::new(250, 100, None);
        assert_eq!(
            (first.page, first.pages, first.first, first.last),
            (1, 3, 1, 100)
        );
        assert_eq!((first.previous, first.next), (None, Some(2)));
        assert_eq!(first.range(), 0..100);

        let middle = Pager::new(250, 100, Some(2));
        assert_eq!((middle.first, middle.last), (101, 200));
        assert_eq!((middle.previous, middle.next), (Some(1), Some(3)));

        let last = Pager::new(250, 100, Some(3));
        assert_eq!((last.first, last.last), (201, 250));
        assert_eq!((last.previous, last.next), (Some(2), None));
        assert_eq!(last.range(), 200..250);
    }

    #[test]
    fn out_of_range_pages_show_the_nearest_one() {
        assert_eq!(Pager::new(250, 100, Some(9)).page, 3);
        assert_eq!(Pager::new(250, 100, Some(0)).page, 1);
        let exact = Pager::new(200, 100, Some(2));
        assert_eq!(
            (exact.pages, exact.first, exact.last, exact.next),
            (2, 101, 200, None)
        );
    }

    #[test]
    fn a_short_or_empty_list_is_one_page() {
        let short = Pager::new(7, 100, Some(4));
        assert_eq!(
            (short.page, short.pages, short.first, short.last),
            (1, 1, 1, 7)
        );
        assert_eq!((short.previous, short.next), (None, None));
        let empty = Pager::new(0, 100, None);
        assert_eq!((empty.pages, empty.first, empty.last), (1, 0, 0));
        assert_eq!(empty.range(), 0..0);
        assert!(empty.range().is_empty());
    }
}
