<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace local_cooperare\local;

use context_course;
use context_system;
use core_external\external_api;
use invalid_parameter_exception;
use stdClass;

/**
 * Helpers shared by the external functions: course lookup with context and capability checks, hashing,
 * all-or-nothing execution.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class util {
    /** @var int Longest spechash accepted (the column is char(128)). */
    public const SPECHASH_MAX = 128;

    /**
     * Require local/cooperare:provision at site level, before anything is looked up.
     *
     * Functions that find objects by a key the caller sends (a course idnumber, a user id) call this first, so that
     * a caller without the capability learns nothing about which keys exist. The capability is declared at course
     * level: it is granted site-wide (the Manager role) and can still be prohibited in a course, where the
     * per-course check of course_and_context() refuses it.
     */
    public static function require_site_provision(): void {
        $context = context_system::instance();
        external_api::validate_context($context);
        require_capability('local/cooperare:provision', $context);
    }

    /**
     * Load a course, validate its context and require local/cooperare:provision plus the given capabilities there.
     *
     * @param int $courseid
     * @param string[] $capabilities core capabilities required in the course context
     * @return array [stdClass $course, context_course $context]
     */
    public static function course_and_context(int $courseid, array $capabilities = []): array {
        global $DB;
        $course = $courseid > 0 && $courseid != SITEID ? $DB->get_record('course', ['id' => $courseid]) : false;
        if (!$course) {
            throw new invalid_parameter_exception("course {$courseid}: no such course");
        }
        $context = context_course::instance($course->id);
        external_api::validate_context($context);
        require_capability('local/cooperare:provision', $context);
        foreach ($capabilities as $capability) {
            require_capability($capability, $context);
        }
        return [$course, $context];
    }

    /**
     * Refuse a page that starts before the first row or holds no rows or more than the function's maximum.
     *
     * @param int $offset
     * @param int $limit
     * @param int $max
     * @return void
     */
    public static function check_paging(int $offset, int $limit, int $max): void {
        if ($offset < 0) {
            throw new invalid_parameter_exception('offset must not be negative');
        }
        if ($limit < 1 || $limit > $max) {
            throw new invalid_parameter_exception('limit must be between 1 and ' . $max);
        }
    }

    /**
     * Refuse an over-long spechash.
     *
     * @param string $spechash
     * @param string $what item description for the error message
     * @return string the spechash
     */
    public static function check_spechash(string $spechash, string $what): string {
        if (\core_text::strlen($spechash) > self::SPECHASH_MAX) {
            throw new invalid_parameter_exception("{$what}: spechash longer than " . self::SPECHASH_MAX . ' characters');
        }
        return $spechash;
    }

    /**
     * SHA-1 of a normalised structure (arrays of scalars, compared as strings).
     *
     * @param mixed $data
     * @return string
     */
    public static function hash($data): string {
        return sha1(json_encode(self::normalise($data), JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES));
    }

    /**
     * Turn scalars into strings (numbers with a fixed number of decimals) so values read from the database
     * compare equal to the values sent by the client.
     *
     * @param mixed $data
     * @return mixed
     */
    public static function normalise($data) {
        if (is_array($data) || $data instanceof stdClass) {
            $result = [];
            foreach ((array) $data as $key => $value) {
                $result[$key] = self::normalise($value);
            }
            return $result;
        }
        if (is_float($data)) {
            return self::float_string($data);
        }
        if (is_bool($data)) {
            return $data ? '1' : '0';
        }
        if ($data === null) {
            return '';
        }
        return (string) $data;
    }

    /**
     * A float as a string with at most 5 decimals and no trailing zeros ("10", "7.5").
     *
     * @param float|int|string $value
     * @return string
     */
    public static function float_string($value): string {
        $text = sprintf('%.5F', (float) $value);
        $text = rtrim(rtrim($text, '0'), '.');
        return $text === '-0' ? '0' : $text;
    }

    /**
     * The course module with this idnumber in the course, with its module name, or null.
     *
     * @param int $courseid
     * @param string $idnumber
     * @return stdClass|null course_modules row plus modname
     */
    public static function get_cm_by_idnumber(int $courseid, string $idnumber): ?stdClass {
        global $DB;
        if ($idnumber === '') {
            return null;
        }
        $sql = "SELECT cm.*, m.name AS modname
                  FROM {course_modules} cm
                  JOIN {modules} m ON m.id = cm.module
                 WHERE cm.course = :courseid AND cm.idnumber = :idnumber AND cm.deletioninprogress = 0";
        $records = $DB->get_records_sql($sql, ['courseid' => $courseid, 'idnumber' => $idnumber], 0, 2);
        if (count($records) > 1) {
            throw new invalid_parameter_exception("activity '{$idnumber}': more than one activity has this idnumber "
                . "in course {$courseid}");
        }
        return $records ? reset($records) : null;
    }

    /**
     * Run $fn in one delegated transaction: everything or nothing. After a rollback the course caches of the
     * given courses are cleared, so no cache keeps objects that no longer exist.
     *
     * @param callable $fn
     * @param int[] $courseids courses whose caches to clear after a rollback (read when the rollback happens)
     * @return mixed what $fn returned
     */
    public static function all_or_nothing(callable $fn, array &$courseids) {
        global $DB;
        $transaction = $DB->start_delegated_transaction();
        try {
            $result = $fn();
            $transaction->allow_commit();
            return $result;
        } catch (\Throwable $e) {
            try {
                $transaction->rollback($e);
            } finally {
                if (!$DB->is_transaction_started()) {
                    foreach (array_unique($courseids) as $courseid) {
                        rebuild_course_cache((int) $courseid, true);
                    }
                }
            }
        }
        // Not reached: rollback() always throws.
        return null;
    }

    /**
     * Refuse a batch that names the same key twice.
     *
     * @param array $seen keys seen so far (updated)
     * @param string $key
     * @param string $what item description for the error message
     * @return void
     */
    public static function check_unique(array &$seen, string $key, string $what): void {
        if (isset($seen[$key])) {
            throw new invalid_parameter_exception("{$what}: listed twice in the same call");
        }
        $seen[$key] = true;
    }
}
