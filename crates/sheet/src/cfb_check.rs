//! A look at an .xls container (Compound File Binary) before calamine opens it. calamine follows
//! sector chains without noticing a loop, so a crafted 10 KB file with a chain that points back
//! on itself makes it grow a buffer until memory runs out (found by the fuzz target). Here every
//! chain of the file allocation tables must end: a table whose next-pointers form a cycle is
//! refused, as is a header that does not describe the file.

const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// Values above this are markers (end of chain, free, FAT or DIFAT sector), not sector numbers.
const MAX_REGULAR: u32 = 0xFFFF_FFFA;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// True when the chains of `table` (entry i = the sector after i) all end: no cycle.
fn acyclic(table: &[u32]) -> bool {
    // 0 unvisited, 1 on the current path, 2 known to end.
    let mut state = vec![0u8; table.len()];
    for start in 0..table.len() {
        let mut path = Vec::new();
        let mut at = start;
        loop {
            match state[at] {
                2 => break,
                1 => return false,
                _ => {}
            }
            state[at] = 1;
            path.push(at);
            let next = table[at];
            if next > MAX_REGULAR || next as usize >= table.len() {
                break;
            }
            at = next as usize;
        }
        for p in path {
            state[p] = 2;
        }
    }
    true
}

/// Whether calamine may open these bytes as an .xls without running away.
pub fn sane(bytes: &[u8]) -> bool {
    check(bytes).is_some()
}

/// The bytes of a chain of `unit`-sized pieces, each found by `piece`, at most `limit` bytes.
fn chain<'a>(
    table: &[u32],
    start: u32,
    limit: usize,
    piece: impl Fn(u32) -> Option<&'a [u8]>,
) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = start;
    // The tables are acyclic, so this ends; the limit bounds the copy.
    while at <= MAX_REGULAR && out.len() < limit {
        out.extend_from_slice(piece(at)?);
        at = *table.get(at as usize)?;
    }
    out.truncate(limit);
    Some(out)
}

/// A worksheet's Dimensions record (BIFF 0x0200) sizes calamine's cell buffer before any cell
/// is read: a record claiming 4 billion rows, or ending before it starts, makes it reserve
/// terabytes and aborts the process. The records must describe at most an .xls sheet
/// (65,536 × 256).
fn dimensions_fit(stream: &[u8]) -> bool {
    let mut at = 0;
    while at + 4 <= stream.len() {
        let (Some(kind), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) else {
            return true;
        };
        let data = &stream[at + 4..(at + 4 + len as usize).min(stream.len())];
        if kind == 0x0200 {
            let (first, last, cols) = match data.len() {
                10 => (
                    u32::from(u16_at(data, 0).unwrap_or(0)),
                    u32::from(u16_at(data, 2).unwrap_or(0)),
                    u32::from(u16_at(data, 6).unwrap_or(0)),
                ),
                14 | 16 => (
                    u32_at(data, 0).unwrap_or(0),
                    u32_at(data, 4).unwrap_or(0),
                    u32::from(u16_at(data, 10).unwrap_or(0)),
                ),
                _ => (0, 0, 0),
            };
            if last > 65_536 || cols > 256 || (last >= 1 && first >= last) {
                return false;
            }
        }
        at += 4 + len as usize;
    }
    true
}

fn check(b: &[u8]) -> Option<()> {
    if b.get(..8)? != SIGNATURE {
        return None;
    }
    let shift = u16_at(b, 0x1E)?;
    if shift != 9 && shift != 12 {
        return None;
    }
    let size = 1usize << shift;
    let sectors = b.len().saturating_sub(size) / size + 1;
    let sector = |n: u32| -> Option<&[u8]> {
        let start = (n as usize + 1).checked_mul(size)?;
        b.get(start..start + size)
    };
    let fat_count = u32_at(b, 0x2C)? as usize;
    if fat_count > sectors {
        return None;
    }
    // Where the FAT sectors are: 109 in the header, the rest in the DIFAT chain.
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(b, 0x4C + 4 * i))
        .filter(|&s| s <= MAX_REGULAR)
        .collect();
    let mut difat = u32_at(b, 0x44)?;
    let mut seen = 0usize;
    while difat <= MAX_REGULAR {
        seen += 1;
        if seen > sectors {
            return None;
        }
        let s = sector(difat)?;
        let per = size / 4 - 1;
        fat_sectors.extend(
            (0..per)
                .filter_map(|i| u32_at(s, 4 * i))
                .filter(|&x| x <= MAX_REGULAR),
        );
        difat = u32_at(s, 4 * per)?;
    }
    fat_sectors.truncate(fat_count);
    let mut fat = Vec::with_capacity(fat_sectors.len() * size / 4);
    for &f in &fat_sectors {
        let s = sector(f)?;
        fat.extend((0..size / 4).filter_map(|i| u32_at(s, 4 * i)));
    }
    if !acyclic(&fat) {
        return None;
    }
    // The mini FAT, read along its (now known to end) chain in the FAT.
    let mut mini = Vec::new();
    let mut at = u32_at(b, 0x3C)?;
    while at <= MAX_REGULAR && at != END_OF_CHAIN && at != FREE {
        let s = sector(at)?;
        mini.extend((0..size / 4).filter_map(|i| u32_at(s, 4 * i)));
        at = *fat.get(at as usize)?;
    }
    if !acyclic(&mini) {
        return None;
    }
    // The directory, to find the workbook stream and check its Dimensions records.
    let dir = chain(&fat, u32_at(b, 0x30)?, b.len(), sector)?;
    let entries: Vec<&[u8]> = dir.chunks_exact(128).collect();
    let root = entries.first()?;
    let mini_container = chain(&fat, u32_at(root, 0x74)?, b.len(), sector)?;
    let mini_size = 1usize << u16_at(b, 0x20)?.min(12);
    let cutoff = u32_at(b, 0x38)? as usize;
    for e in &entries[1..] {
        let name_len = (u16_at(e, 0x40)? as usize).min(64);
        let name: Vec<u16> = (0..name_len / 2)
            .filter_map(|i| u16_at(e, 2 * i))
            .take_while(|&c| c != 0)
            .collect();
        let name = String::from_utf16_lossy(&name);
        if e[0x42] != 2 || !(name == "Workbook" || name == "Book") {
            continue;
        }
        let start = u32_at(e, 0x74)?;
        let size = (u32_at(e, 0x78)? as usize).min(b.len());
        let stream = if size < cutoff {
            chain(&mini, start, size, |n| {
                let from = (n as usize).checked_mul(mini_size)?;
                mini_container.get(from..from + mini_size)
            })?
        } else {
            chain(&fat, start, size, sector)?
        };
        if !dimensions_fit(&stream) {
            return None;
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_found() {
        assert!(acyclic(&[1, 2, END_OF_CHAIN, FREE]));
        assert!(!acyclic(&[1, 2, 0]));
        assert!(!acyclic(&[END_OF_CHAIN, 1]));
        assert!(acyclic(&[7, END_OF_CHAIN]), "out of range ends the walk");
    }

    #[test]
    fn a_real_xls_passes_and_a_looping_one_does_not() {
        let good = include_bytes!("../testdata/children.xls");
        assert!(sane(good));
        // Point the directory's first sector at itself in the FAT.
        let mut bad = good.to_vec();
        let size = 1usize << u16_at(&bad, 0x1E).unwrap();
        let dir = u32_at(&bad, 0x30).unwrap() as usize;
        let fat0 = u32_at(&bad, 0x4C).unwrap() as usize;
        let entry = (fat0 + 1) * size + 4 * dir;
        bad[entry..entry + 4].copy_from_slice(&(dir as u32).to_le_bytes());
        assert!(!sane(&bad));
        assert!(!sane(&good[..100]));
    }

    #[test]
    fn impossible_dimensions_are_refused() {
        let dims = |first: u32, last: u32, cols: u16| {
            let mut r = vec![0x00, 0x02, 14, 0];
            r.extend(first.to_le_bytes());
            r.extend(last.to_le_bytes());
            r.extend(0u16.to_le_bytes());
            r.extend(cols.to_le_bytes());
            r.extend(0u16.to_le_bytes());
            r
        };
        assert!(dimensions_fit(&dims(0, 10, 5)));
        assert!(dimensions_fit(&dims(0, 0, 0)), "an empty sheet");
        assert!(!dimensions_fit(&dims(0, u32::MAX, 5)));
        assert!(!dimensions_fit(&dims(9, 3, 5)));
        // Found by fuzz/read_sheet: overflowed calamine's row count.
        assert!(!sane(include_bytes!("../testdata/bad_dimensions.xls")));
    }

    #[test]
    fn a_panic_inside_calamine_is_an_unreadable_file() {
        // Found by fuzz/read_sheet: a record shorter than calamine expects (slice out of range).
        let bytes = include_bytes!("../testdata/calamine_panics.xls");
        let t = crate::Template::new("x", vec![crate::Column::new("姓名")]);
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let read = crate::read_rows(&t, bytes, "x.xls");
        std::panic::set_hook(previous);
        assert_eq!(read.unwrap_err().code(), "sheet_unreadable");
    }

    #[test]
    fn the_fuzzers_file_is_refused_at_once() {
        // Found by fuzz/read_sheet: made calamine allocate 2 GB.
        let bytes = include_bytes!("../testdata/looping_chain.xls");
        assert!(!sane(bytes));
        let t = crate::Template::new("x", vec![crate::Column::new("姓名")]);
        assert_eq!(
            crate::read_rows(&t, bytes, "x.xls").unwrap_err().code(),
            "sheet_unreadable"
        );
    }
}
